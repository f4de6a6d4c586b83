"""The sender settings of marketing mail (設定 → メール配信, ``PUT /api/v1/settings/sender``):
the only write path for the sender identity advertising mail shows (特定電子メール法 第4条)
and the addresses it is sent from, answered and refused at. Administrators only."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import check_version
from daifuku.core import audit
from daifuku.core.errors import PermissionDenied, ValidationFailed
from daifuku.core.japanese import normalize_text, validate_email_address

from ..models import MailSettings

# the API's names → the model's fields
FIELDS = {
    "name": "sender_name",
    "postal_address": "postal_address",
    "contact": "contact",
    "from_email": "from_email",
    "reply_to": "reply_to",
    "unsubscribe_email": "unsubscribe_email",
}
EMAIL_FIELDS = ("from_email", "reply_to", "unsubscribe_email")
AUDITED = (*FIELDS.values(), "under_order")
MAX_LENGTHS = {f.name: f.max_length for f in MailSettings._meta.fields if f.name in FIELDS.values()}


def _ensure_admin(actor) -> None:
    if getattr(actor, "pk", None) is not None and not getattr(actor, "is_admin", False):
        raise PermissionDenied(_("Only administrators can change the mail sender settings."))


def _clean(data: dict[str, Any], row: MailSettings) -> dict[str, Any]:
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, attr in FIELDS.items():
        if key not in data:
            continue
        raw = data[key]
        if raw is not None and not isinstance(raw, str):
            errors[key] = [_("Enter text.")]
            continue
        value = normalize_text(raw or "").strip()
        if key in EMAIL_FIELDS and value:
            try:
                value = validate_email_address(value)
            except ValueError as exc:
                errors[key] = [str(exc)]
                continue
        limit = MAX_LENGTHS[attr]
        if limit and len(value) > limit:
            errors[key] = [_("Use at most %(limit)d characters.") % {"limit": limit}]
            continue
        values[attr] = value
    if "under_order" in data:
        if not isinstance(data["under_order"], bool):
            errors["under_order"] = [_("Enter true or false.")]
        else:
            values["under_order"] = data["under_order"]
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def update_sender_settings(
    *, actor, data: dict[str, Any], expected_version: int | None = None
) -> MailSettings:
    """Change the sender identity (keys of :data:`FIELDS`; a key left out keeps its value,
    an empty one falls back to the organisation profile where it has one).
    ``expected_version`` refuses to overwrite a change saved since the form was read."""
    _ensure_admin(actor)
    MailSettings.objects.get_or_create(pk=MailSettings.SINGLETON_PK)
    row = MailSettings.objects.select_for_update().get(pk=MailSettings.SINGLETON_PK)
    check_version(row, expected_version)
    values = _clean(data, row)
    before = audit.snapshot(row, AUDITED)
    for attr, value in values.items():
        setattr(row, attr, value)
    changes = audit.diff(before, audit.snapshot(row, AUDITED))
    if changes:
        row.version += 1
        row.updated_at = timezone.now()
        row.save()
        audit.record(actor=actor, action="update", obj=row, changes=changes)
    return row
