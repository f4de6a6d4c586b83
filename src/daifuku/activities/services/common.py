"""Parsing and checks shared by the activities services."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

SUBJECT_TYPE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def aware(value, field: str, errors: dict, *, required: bool = True) -> dt.datetime | None:
    """An aware datetime from a datetime or ISO string; naive values mean Asia/Tokyo."""
    if value in (None, ""):
        if required:
            errors[field] = [_("This field is required.")]
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value.strip())
        if parsed is None:
            errors[field] = [_("Enter a date and time such as 2025-04-01T10:00+09:00.")]
            return None
        value = parsed
    if not isinstance(value, dt.datetime):
        errors[field] = [_("Enter a date and time such as 2025-04-01T10:00+09:00.")]
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not (2000 <= value.year <= 2100):
        errors[field] = [_("Enter a date between 2000 and 2100.")]
        return None
    return value


def minutes(value, field: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = [_("Enter a whole number of minutes.")]
        return None
    if not 0 <= number <= 24 * 60 * 7:
        errors[field] = [_("Enter between 0 and 10080 minutes.")]
        return None
    return number


def choice(value, choices, field: str, errors: dict, *, blank: bool = False, default=None):
    if value in (None, ""):
        if blank:
            return ""
        if default is not None:
            return default
        errors[field] = [_("This field is required.")]
        return None
    if value not in choices:
        errors[field] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}]
        return None
    return value


def text(value, field: str, errors: dict, *, max_length: int, required: bool = False) -> str:
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > max_length:
        errors[field] = [_("Use at most %(n)d characters.") % {"n": max_length}]
    return value


def subject(data: dict, errors: dict) -> tuple[str, int | None]:
    """The generic subject of a higher domain ("sales.deal", 42); both or neither."""
    subject_type = (data.get("subject_type") or "").strip()
    subject_id = data.get("subject_id")
    if not subject_type and subject_id in (None, ""):
        return "", None
    if not SUBJECT_TYPE.match(subject_type):
        errors["subject_type"] = [_("Use an app.model label such as sales.deal.")]
        return "", None
    try:
        subject_id = int(subject_id)  # type: ignore[arg-type]  # None is refused by the except
    except (TypeError, ValueError):
        errors["subject_id"] = [_("Enter the id of the subject.")]
        return "", None
    return subject_type, subject_id


def customer_label(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"
