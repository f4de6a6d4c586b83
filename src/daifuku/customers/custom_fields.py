"""Validation of admin-defined custom field values (every write path calls this)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from daifuku.core.errors import ValidationFailed
from daifuku.core.japanese import normalize_text, romanize

from .models import CustomFieldDefinition
from .models.custom_fields import FieldType


def suggest_key(label: str | None, taken: Iterable[str]) -> str:
    """The key a new field gets when the administrator gives none: its label in romaji
    (「ラーメンの好み」 can't be read without a dictionary, 「きっかけ」 → ``kikkake``,
    "LINE ID" → ``line_id``), else ``field_<n>`` — the first free n from the number of
    fields — and ``_2``, ``_3`` … after a key already in use (``taken``)."""
    taken = set(taken)
    romaji = romanize(label) or ""
    base = re.sub(r"[^a-z0-9]+", "_", romaji).strip("_")[:40]
    if base and not base[0].isalpha():
        base = f"field_{base}"[:40]
    if not base:
        number = len(taken) + 1
        while f"field_{number}" in taken:
            number += 1
        return f"field_{number}"
    key, suffix = base, 2
    while key in taken:
        key, suffix = f"{base}_{suffix}", suffix + 1
    return key


def active_definitions(target: str) -> list[CustomFieldDefinition]:
    return list(CustomFieldDefinition.objects.filter(target=target, is_active=True))


def clean_custom_values(
    target: str,
    values: Mapping[str, Any] | None,
    *,
    current: Mapping[str, Any] | None = None,
    creating: bool,
    definitions: list[CustomFieldDefinition] | None = None,
) -> dict[str, Any]:
    """Merge ``values`` into ``current`` after checking each against its definition.
    Unknown keys are refused (a typo must not be stored silently); ``None`` clears a value;
    required fields must hold a value after the change."""
    definitions = definitions if definitions is not None else active_definitions(target)
    by_key = {d.key: d for d in definitions}
    result = dict(current or {})
    errors: dict[str, list[str]] = {}
    for key, raw in (values or {}).items():
        field = f"custom_fields.{key}"
        definition = by_key.get(key)
        if definition is None:
            errors[field] = [_("Unknown custom field.")]
            continue
        if raw is None or raw == "" or raw == []:
            result.pop(key, None)
            continue
        try:
            result[key] = _coerce(definition, raw)
        except ValueError as exc:
            errors[field] = [str(exc)]
    for definition in definitions:
        if (
            definition.required
            and definition.key not in result
            and (creating or definition.key in (values or {}))
        ):
            errors.setdefault(f"custom_fields.{definition.key}", []).append(
                _("This field is required.")
            )
    if errors:
        raise ValidationFailed(errors)
    return result


def _coerce(definition: CustomFieldDefinition, raw: Any) -> Any:
    kind = definition.field_type
    if kind == FieldType.TEXT:
        value = normalize_text(str(raw))
        if len(value) > 1000:
            raise ValueError(_("At most %(n)d characters.") % {"n": 1000})
        return value
    if kind == FieldType.NUMBER:
        if isinstance(raw, bool):
            raise ValueError(_("Enter a number."))
        try:
            number = Decimal(normalize_text(str(raw)).replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(_("Enter a number.")) from exc
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == FieldType.DATE:
        if isinstance(raw, dt.date):
            return raw.isoformat()
        try:
            return dt.date.fromisoformat(normalize_text(str(raw)).replace("/", "-")).isoformat()
        except ValueError as exc:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from exc
    if kind == FieldType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        text = normalize_text(str(raw)).lower()
        if text in {"1", "true", "yes", "on", "はい"}:
            return True
        if text in {"0", "false", "no", "off", "いいえ"}:
            return False
        raise ValueError(_("Enter yes or no."))
    if kind == FieldType.CHOICE:
        value = normalize_text(str(raw))
        if value not in definition.choices:
            raise ValueError(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(definition.choices)}
            )
        return value
    if kind == FieldType.MULTI_CHOICE:
        items = raw if isinstance(raw, (list, tuple)) else [p for p in str(raw).split(",")]
        values = [normalize_text(str(v)) for v in items if normalize_text(str(v))]
        unknown = [v for v in values if v not in definition.choices]
        if unknown:
            raise ValueError(
                _("Choose from: %(choices)s.") % {"choices": ", ".join(definition.choices)}
            )
        return list(dict.fromkeys(values))
    raise ValueError(_("Unsupported field type."))
