"""Mail topics (配信テーマ): the kinds of mail a person may refuse one by one on the
preference page (新商品のお知らせ, セミナー案内) without refusing every advertising mail.
Administrators keep the list on 設定 → メール配信."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from daifuku.core import audit
from daifuku.core.errors import DomainError, PermissionDenied, ValidationFailed

from ..models import MailTopic

AUDITED = ("key", "name", "description", "sort_order")
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")


def _ensure_admin(actor) -> None:
    if getattr(actor, "pk", None) is not None and not getattr(actor, "is_admin", False):
        raise PermissionDenied(_("Only administrators can change the mail topics."))


def _clean(data: dict[str, Any], current: MailTopic | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    name = str(data.get("name", current.name if current else "") or "").strip()
    if not name:
        errors["name"] = [_("Enter the topic's name, e.g. 新商品のお知らせ.")]
    elif len(name) > 100:
        errors["name"] = [_("Use at most %(limit)d characters.") % {"limit": 100}]
    values["name"] = name
    key = str(data.get("key", current.key if current else "") or "").strip().lower()
    if not _KEY.fullmatch(key):
        errors["key"] = [
            _("Use lower-case letters, digits, - and _ (at most 50), e.g. new-products.")
        ]
    elif MailTopic.objects.filter(key=key).exclude(pk=current.pk if current else 0).exists():
        errors["key"] = [_("Another topic already uses this key.")]
    values["key"] = key
    description = str(data.get("description", current.description if current else "") or "")
    if len(description.strip()) > 300:
        errors["description"] = [_("Use at most %(limit)d characters.") % {"limit": 300}]
    values["description"] = description.strip()
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def create_topic(*, actor, data: dict[str, Any]) -> MailTopic:
    """A new topic at the end of the list."""
    _ensure_admin(actor)
    values = _clean(data, None)
    position = (MailTopic.objects.aggregate(m=Max("sort_order"))["m"] or 0) + 10
    topic = MailTopic.objects.create(**values, sort_order=position)
    audit.record(actor=actor, action="create", obj=topic, changes={"name": [None, topic.name]})
    return topic


@transaction.atomic
def update_topic(*, actor, topic: MailTopic, data: dict[str, Any]) -> MailTopic:
    _ensure_admin(actor)
    current = MailTopic.objects.select_for_update().get(pk=topic.pk)
    before = audit.snapshot(current, AUDITED)
    for name, value in _clean(data, current).items():
        setattr(current, name, value)
    current.save()
    changes = audit.diff(before, audit.snapshot(current, AUDITED))
    if changes:
        audit.record(actor=actor, action="update", obj=current, changes=changes)
    return current


@transaction.atomic
def delete_topic(*, actor, topic: MailTopic) -> None:
    """Remove a topic no campaign uses. A topic campaigns were sent under stays: deleting it
    would drop the refusals people made for it and turn its campaigns into topic-less
    mail that reaches them again."""
    _ensure_admin(actor)
    if topic.campaigns.exists():
        raise DomainError(
            _(
                "Campaigns use this topic, so it cannot be deleted (people's choices for it are kept)."
            ),
            code="topic_in_use",
            status=409,
        )
    audit.record(actor=actor, action="delete", obj=topic, changes={"name": [topic.name, None]})
    topic.delete()
