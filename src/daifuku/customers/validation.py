"""Cleaning and checking customer input — shared by the UI, the API and imports so the
same rules hold on every write path. Each ``clean_*`` returns normalised values or raises
:class:`~daifuku.core.errors.ValidationFailed` with every field error at once."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core.errors import ValidationFailed
from daifuku.core.japanese import (
    is_kana,
    normalize_phone,
    normalize_postal_code,
    normalize_prefecture,
    normalize_text,
    split_company_name,
    strip_invisible,
    to_katakana,
    validate_corporate_number,
    validate_email_address,
)
from daifuku.core.japanese_addresses import address_text

from .models.companies import CompanySize, Industry, LegalFormPosition
from .models.contact_points import PhoneKind
from .models.people import Gender, Lifecycle, RelationshipStage, SourceChannel


class Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationFailed(dict(self))


def _text(data, key, errors, *, max_length, required=False, label=None):
    value = normalize_text(data.get(key) if data.get(key) is not None else "")
    if required and not value:
        errors.add(key, _("This field is required."))
    if len(value) > max_length:
        errors.add(key, _("At most %(n)d characters.") % {"n": max_length})
    return value


def _multiline(data, key, errors, *, max_length=10_000):
    value = strip_invisible(str(data.get(key) or "")).replace("\r\n", "\n").strip()
    if len(value) > max_length:
        errors.add(key, _("At most %(n)d characters.") % {"n": max_length})
    return value


def _choice(data, key, errors, choices, *, allow_blank=True):
    value = data.get(key) or ""
    if value == "" and allow_blank:
        return ""
    if value not in _values(choices):
        errors.add(key, _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)})
    return value


@functools.cache
def _values(choices) -> frozenset:
    # Choices.values builds a new list on every access; imports check a million rows.
    return frozenset(choices.values)


def _kana(data, key, errors):
    value = to_katakana(data.get(key) or "")
    if value and not is_kana(value):
        errors.add(key, _("Enter the reading in kana (hiragana or katakana)."))
    if len(value) > 100:
        errors.add(key, _("At most %(n)d characters.") % {"n": 100})
    return value


def parse_date(value, key, errors, *, past_only=False) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(normalize_text(str(value)).replace("/", "-"))
        except ValueError:
            errors.add(key, _("Enter a date as YYYY-MM-DD."))
            return None
    if past_only and value > timezone.localdate():
        errors.add(key, _("The date cannot be in the future."))
    if value.year < 1850:
        errors.add(key, _("Enter a date after 1850."))
    return value


def clean_address(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "postal_code" in data:
        raw = data.get("postal_code") or ""
        code = normalize_postal_code(raw) if raw else ""
        if raw and code is None:
            errors.add("postal_code", _("Enter a 7-digit postal code, e.g. 100-0001."))
        values["postal_code"] = code or ""
    if "prefecture" in data:
        raw = data.get("prefecture") or ""
        pref = normalize_prefecture(raw) if raw else ""
        if raw and pref is None:
            errors.add("prefecture", _("Unknown prefecture."))
        values["prefecture"] = pref or ""
    if "city" in data:
        values["city"] = _text(data, "city", errors, max_length=100)
    for key in ("address_line", "building"):
        if (
            key in data
        ):  # as written: ①, ㈱ and full-width digits are part of an address (NFKC only to match)
            values[key] = address_text(data.get(key))
            if len(values[key]) > 200:
                errors.add(key, _("At most %(n)d characters.") % {"n": 200})
    return values


def clean_person(data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Normalised person fields from ``data`` (only the keys present, all on create)."""
    errors = Errors()
    present = set(data) if not creating else set(data) | {"family_name"}
    values: dict[str, Any] = {}
    if "family_name" in present:
        values["family_name"] = _text(data, "family_name", errors, max_length=100, required=True)
    if "given_name" in present:
        values["given_name"] = _text(data, "given_name", errors, max_length=100)
    for key in ("family_kana", "given_kana"):
        if key in present:
            values[key] = _kana(data, key, errors)
    if "birthday" in present:
        values["birthday"] = parse_date(data.get("birthday"), "birthday", errors, past_only=True)
    if "gender" in present:
        values["gender"] = _choice(data, "gender", errors, Gender)
    for key, choices in (("relationship_stage", RelationshipStage), ("lifecycle", Lifecycle)):
        if key in present:
            if data.get(key):
                values[key] = _choice(data, key, errors, choices, allow_blank=False)
    if "source_channel" in present:
        values["source_channel"] = _choice(data, "source_channel", errors, SourceChannel)
    for key in ("preferences", "notes"):
        if key in present:
            values[key] = _multiline(data, key, errors)
    if "member_number" in present:
        values["member_number"] = clean_member_number(data.get("member_number"), errors)
    values.update(clean_address({k: data[k] for k in data if k in present}, errors))
    errors.raise_if_any()
    return values


def clean_member_number(value: Any, errors: Errors | None = None) -> str:
    """A 会員番号 as the ledger keeps it: width-folded (ＡＢ１２ = AB12), no spaces around,
    at most 60 characters. The same folding on every path (form, API, import, order
    lookup), so the number a till prints finds the customer an import created."""
    text = normalize_text("" if value is None else str(value)).strip()
    if len(text) > 60 and errors is not None:
        errors.add("member_number", _("At most %(n)d characters.") % {"n": 60})
    return text[:60]


def clean_company(data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    errors = Errors()
    present = set(data) if not creating else set(data) | {"name"}
    values: dict[str, Any] = {}
    if "name" in present:
        raw = _text(data, "name", errors, max_length=200, required=True)
        parsed = split_company_name(raw)
        values["name"] = parsed.base or raw
        # A legal form written in the name wins unless one was chosen explicitly.
        if parsed.legal_form and not data.get("legal_form"):
            values["legal_form"] = parsed.legal_form
            values["legal_form_position"] = parsed.position or ""
    if data.get("legal_form") is not None and "legal_form" in data:
        from daifuku.core.japanese import LEGAL_FORMS

        form = data.get("legal_form") or ""
        if form and form not in LEGAL_FORMS:
            errors.add("legal_form", _("Unknown legal form."))
        values["legal_form"] = form
        if "legal_form_position" in data:
            values["legal_form_position"] = _choice(
                data, "legal_form_position", errors, LegalFormPosition
            )
        elif form:
            values.setdefault("legal_form_position", "before")
        if not form:
            values["legal_form_position"] = ""
    if "kana" in present:
        kana = _kana(data, "kana", errors)
        values["kana"] = split_company_name(kana).base if kana else ""
    if "corporate_number" in present:
        raw = data.get("corporate_number") or ""
        if raw:
            try:
                values["corporate_number"] = validate_corporate_number(str(raw))
            except ValueError as exc:
                errors.add("corporate_number", str(exc))
        else:
            values["corporate_number"] = ""
    if "industry" in present:
        values["industry"] = _choice(data, "industry", errors, Industry)
    if "size" in present:
        values["size"] = _choice(data, "size", errors, CompanySize)
    if "website" in present:
        site = normalize_text(data.get("website") or "")
        if site and not site.startswith(("http://", "https://")):
            site = "https://" + site
        from django.core.exceptions import ValidationError
        from django.core.validators import URLValidator

        if site:
            try:
                URLValidator()(site)
            except ValidationError:
                errors.add("website", _("Enter a valid web address."))
        values["website"] = site
    if "notes" in present:
        values["notes"] = _multiline(data, "notes", errors)
    values.update(clean_address({k: data[k] for k in data if k in present}, errors))
    errors.raise_if_any()
    return values


def clean_emails(items: Iterable[Any], field: str = "emails") -> list[dict[str, Any]]:
    """``["a@example.jp", {"address": ..., "label": ..., "is_primary": ...}]`` → rows, with
    exactly one primary (the first, unless one says otherwise) and no duplicates."""
    errors = Errors()
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(items or []):
        entry = item if isinstance(item, Mapping) else {"address": item}
        raw = entry.get("address") or ""
        if not str(raw).strip():
            continue
        try:
            address = validate_email_address(str(raw))
        except ValueError as exc:
            errors.add(field if index == 0 else f"{field}.{index}", str(exc))
            continue
        if address in seen:
            continue
        seen.add(address)
        rows.append(
            {
                "address": address,
                "label": normalize_text(entry.get("label") or "")[:30],
                "is_primary": bool(entry.get("is_primary")),
            }
        )
    errors.raise_if_any()
    _one_primary(rows)
    return rows


def clean_phones(items: Iterable[Any], field: str = "phones") -> list[dict[str, Any]]:
    errors = Errors()
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(items or []):
        entry = item if isinstance(item, Mapping) else {"number": item}
        raw = str(entry.get("number") or "").strip()
        if not raw:
            continue
        phone = normalize_phone(raw)
        if phone is None:
            errors.add(
                field if index == 0 else f"{field}.{index}",
                _("“%(value)s” is not a valid phone number.") % {"value": raw[:40]},
            )
            continue
        if phone.e164 in seen:
            continue
        seen.add(phone.e164)
        kind = entry.get("kind") or (
            PhoneKind.MOBILE if phone.national[:3] in {"090", "080", "070"} else PhoneKind.HOME
        )
        if kind not in _values(PhoneKind):
            errors.add(field, _("Unknown phone kind."))
            continue
        rows.append(
            {
                "number": phone.formatted,
                "e164": phone.e164,
                "digits": phone.national,
                "digits_reversed": phone.national[::-1],
                "kind": kind,
                "is_primary": bool(entry.get("is_primary")),
            }
        )
    errors.raise_if_any()
    _one_primary(rows)
    return rows


def _one_primary(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    primary = next((i for i, r in enumerate(rows) if r["is_primary"]), 0)
    for index, row in enumerate(rows):
        row["is_primary"] = index == primary
