"""The audit trail: every create, update and delete records who, when, which fields old → new.

Services call :func:`record` inside their transaction; ``via`` (ui/api/command/import)
comes from :mod:`daifuku.core.context`. :func:`snapshot` + :func:`diff` compute the changed
fields so a service states *what* it changed once, and the audit follows from it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from .context import current
from .models import AuditEntry


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value (ids for relations, ISO for dates)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Current values of ``fields`` (foreign keys by id, via ``<name>_id``)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attr = field.attname if getattr(field, "many_to_one", False) else name
        values[name] = _plain(getattr(obj, attr))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def label_for(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: int | None = None,
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    subject: models.Model | None = None,
    note: str = "",
) -> AuditEntry:
    """Write one audit entry. ``subject`` is the customer/deal the change belongs to
    (defaults to ``obj`` itself)."""
    context = current()
    subject = subject if subject is not None else obj
    user = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=(
            getattr(actor, "get_username", lambda: "")() if user else str(actor or "system")
        )[:150],
        via=context.via,
        action=action,
        object_type=label_for(obj) if obj is not None else object_type,
        object_id=obj.pk if obj is not None else object_id,
        object_repr=(str(obj) if obj is not None else object_repr)[:200],
        subject_type=label_for(subject) if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        changes=_plain(changes or {}),
        note=note,
        request_id=context.request_id,
    )


def history_for(obj: models.Model, *, limit: int = 100):
    """Entries about this record itself or about rows that belong to it, newest first."""
    label = label_for(obj)
    return (
        AuditEntry.objects.filter(
            models.Q(object_type=label, object_id=obj.pk)
            | models.Q(subject_type=label, subject_id=obj.pk)
        )
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
