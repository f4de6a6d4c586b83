"""Short lists an organisation keeps for its people to choose from — sales channels
(販売経路), lost reasons (失注理由) …: a unique name, a position, active or not. A list in
use is deactivated, never deleted, so what chose an entry keeps it. The checks and writes
their services share live here once; each app's service keeps its own words and its
permission check, and calls these inside its transaction."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Max
from django.utils.translation import gettext as _

from . import audit
from .errors import ValidationFailed

FIELDS = ("name", "position", "is_active")


def clean_name(
    model: type[models.Model], value, *, current=None, limit: int, empty: str, duplicate: str
) -> str:
    """The entry's name, trimmed; ``empty`` / ``duplicate`` are the list's own messages."""
    name = str(value or "").strip()
    if not name:
        raise ValidationFailed({"name": [empty]})
    if len(name) > limit:
        raise ValidationFailed({"name": [_("At most %(limit)d characters.") % {"limit": limit}]})
    same = model._default_manager.filter(name=name)
    if current is not None:
        same = same.exclude(pk=current.pk)
    if same.exists():
        raise ValidationFailed({"name": [duplicate]}, code="duplicate")
    return name


def add_entry(*, actor, model: type[models.Model], name: str):
    """A new entry (its name already cleaned) at the end of the list, audited."""
    position = (model._default_manager.aggregate(m=Max("position"))["m"] or 0) + 10
    entry = model._default_manager.create(name=name, position=position)
    audit.record(actor=actor, action="create", obj=entry, changes={"name": [None, name]})
    return entry


def change_entry(*, actor, entry, data: dict[str, Any], clean) -> Any:
    """Rename (``name``, checked by ``clean(value, current)``), reorder (``position``) or
    deactivate (``is_active``) an entry, locked for the change and audited."""
    current = type(entry)._default_manager.select_for_update().get(pk=entry.pk)
    before = audit.snapshot(current, FIELDS)
    if "name" in data:
        current.name = clean(data["name"], current)
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
