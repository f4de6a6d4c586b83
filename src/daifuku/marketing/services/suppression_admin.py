"""Administrators' edits of the suppression list (設定 → 配信除外アドレス): an address added
by hand, or taken off after checking it works again — checked, audited, then written
through :mod:`.suppression`."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from daifuku.core import audit
from daifuku.core.errors import NotFound, PermissionDenied, ValidationFailed
from daifuku.core.japanese import validate_email_address

from ..models import Suppression, SuppressionReason
from . import suppression


def _ensure_admin(actor) -> None:
    if getattr(actor, "pk", None) is not None and not getattr(actor, "is_admin", False):
        raise PermissionDenied(_("Only administrators can change the suppression list."))


@transaction.atomic
def add_suppression(*, actor, email: str, note: str = "") -> Suppression:
    """Put an address on the list by hand (no mail of this system goes to it again)."""
    _ensure_admin(actor)
    try:
        address = validate_email_address(email)
    except ValueError as exc:
        raise ValidationFailed({"email": [str(exc)]}) from None
    row, created = suppression.suppress(address, SuppressionReason.MANUAL, note=note.strip())
    if not created:
        raise ValidationFailed(
            {"email": [_("This address is already on the suppression list.")]}, code="duplicate"
        )
    audit.record(actor=actor, action="create", obj=row, changes={"email": [None, row.email]})
    return row


@transaction.atomic
def remove_suppression(*, actor, email: str) -> None:
    """Take an address off the list: mail goes to it again (consent still decides for
    advertising mail)."""
    _ensure_admin(actor)
    row = Suppression.objects.filter(email=suppression.normalise(email)).first()
    if row is None:
        raise NotFound()
    audit.record(
        actor=actor,
        action="delete",
        obj=row,
        changes={"email": [row.email, None], "reason": [row.reason, None]},
    )
    suppression.unsuppress(row.email)
