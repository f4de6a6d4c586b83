"""The list of sales channels (販売経路) orders name: managers add, rename, reorder and
deactivate them. A deactivated channel is no longer offered; its orders keep it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from daifuku.core import audit
from daifuku.core.errors import ValidationFailed

from ..models import Channel
from .common import require_manager

FIELDS = ("name", "position", "is_active")


def _name(value, current: Channel | None) -> str:
    name = str(value or "").strip()
    if not name:
        raise ValidationFailed({"name": [_("Enter a channel name.")]})
    if len(name) > 50:
        raise ValidationFailed({"name": [_("At most %(limit)d characters.") % {"limit": 50}]})
    same = Channel.objects.filter(name=name)
    if current is not None:
        same = same.exclude(pk=current.pk)
    if same.exists():
        raise ValidationFailed({"name": [_("This channel already exists.")]}, code="duplicate")
    return name


@transaction.atomic
def create_channel(*, actor, name: str) -> Channel:
    """Add a sales channel at the end of the list."""
    require_manager(actor)
    name = _name(name, None)
    position = (Channel.objects.aggregate(m=Max("position"))["m"] or 0) + 10
    channel = Channel.objects.create(name=name, position=position)
    audit.record(actor=actor, action="create", obj=channel, changes={"name": [None, name]})
    return channel


@transaction.atomic
def update_channel(*, actor, channel: Channel, data: dict[str, Any]) -> Channel:
    """Rename (``name``), reorder (``position``) or deactivate (``is_active``) a channel."""
    require_manager(actor)
    current = Channel.objects.select_for_update().get(pk=channel.pk)
    before = audit.snapshot(current, FIELDS)
    if "name" in data:
        current.name = _name(data["name"], current)
    if "position" in data:
        try:
            current.position = max(0, int(data["position"]))
        except (TypeError, ValueError):
            raise ValidationFailed({"position": [_("Enter a whole number.")]}) from None
    if "is_active" in data:
        current.is_active = bool(data["is_active"])
    current.save()
    changes = audit.diff(before, audit.snapshot(current, FIELDS))
    if changes:
        audit.record(actor=actor, action="update", obj=current, changes=changes)
    return current
