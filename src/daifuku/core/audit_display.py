"""Audit entries as people read them: field labels instead of column names, choice labels
instead of stored values, names instead of ids ("担当者: 鈴木 一郎 → 高橋 花子").

Related objects are looked up once per batch of entries (one query per related model), so
a history page of 500 entries does not become 500 queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext_lazy as _

from .japanese import format_postal_code

VIA_LABELS = {
    "ui": _("screen"), "api": _("API"), "command": _("command"), "import": _("import"),
    "worker": _("background job"), "system": _("system"),
}
EMPTY = "—"


@dataclass(frozen=True)
class Change:
    label: str
    old: str | None  # None: the value did not exist before (a create)
    new: str


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def readable_changes(entries) -> dict[int, list[Change]]:
    """``{entry.pk: [Change, …]}`` for the given audit entries."""
    entries = list(entries)
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for entry in entries:
        model = _model(entry.object_type)
        for name, pair in (entry.changes or {}).items():
            field = _field(model, name)
            if field is not None and field.concrete and field.many_to_one and isinstance(pair, (list, tuple)):
                wanted[field.related_model].update(v for v in pair if isinstance(v, int))
    names = {
        related: {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=ids)}
        for related, ids in wanted.items() if ids
    }
    result: dict[int, list[Change]] = {}
    for entry in entries:
        model = _model(entry.object_type)
        changes = []
        for name, pair in (entry.changes or {}).items():
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                continue
            field = _field(model, name)
            if field is not None and field.auto_created and not field.concrete:
                # a reverse relation such as a person's emails: label it by the related rows
                label, field = str(field.related_model._meta.verbose_name_plural), None
            else:
                label = str(field.verbose_name) if field is not None else name
            old, new = (_display(field, value, names) for value in pair)
            changes.append(Change(label=label, old=None if pair[0] is None and entry.action == "create" else old,
                                  new=new))
        result[entry.pk] = changes
    return result


def _display(field, value: Any, names: dict) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if field is not None:
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            # stored as ISO 8601 in UTC: shown as every other time is, in Asia/Tokyo
            moment = parse_datetime(value)
            if moment is not None:
                return date_format(localtime(moment) if is_aware(moment) else moment, "Y-m-d H:i")
        if field.name == "postal_code" and isinstance(value, str):
            return format_postal_code(value)  # 100-0001, not the stored 1000001
        if field.many_to_one:
            return names.get(field.related_model, {}).get(value, f"#{value}")
        if field.choices:
            labels = {str(k): str(v) for k, v in field.flatchoices}
            if isinstance(value, list):
                return ", ".join(labels.get(str(v), str(v)) for v in value)
            return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or EMPTY
    return str(value)


def via_label(via: str) -> str:
    return str(VIA_LABELS.get(via, via))
