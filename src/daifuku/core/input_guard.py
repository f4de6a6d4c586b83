"""What any text or number a user sends must be before it reaches a query or a row.

Two kinds of value break a database rather than a business rule, and they break the two
databases differently: a NUL character (PostgreSQL refuses it, SQLite stores it), a lone
UTF-16 surrogate such as ``"\\ud800"`` (not encodable as UTF-8 at all), an integer beyond
64 bits (SQLite's driver overflows, PostgreSQL compares it as numeric) or beyond its
column (PostgreSQL's ``integer`` is 32 bits, SQLite has no limit), and text longer than
its column (PostgreSQL refuses it, SQLite stores 5,000 characters into a ``varchar(40)``).
The rules here are the same on both databases and are applied in three places:

* the API checks every value its endpoints receive (body, query and path) — ``api.api``;
* every save of a project model checks its fields against their columns (the
  ``pre_save`` hook :func:`check_instance`, connected in ``CoreConfig.ready``), so the
  forms, imports and services refuse what the API refuses, with field errors;
* request plumbing refuses a NUL anywhere in the address (``core.middleware``).
"""

from __future__ import annotations

from functools import cache

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _

from .errors import ValidationFailed

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# The ranges of the integer columns as PostgreSQL stores them: applied on SQLite as well,
# so a value is accepted or refused the same on both databases.
COLUMN_RANGES = BaseDatabaseOperations.integer_field_ranges
# A long text a person writes (notes, a touch's details, a deal's description) holds at
# most this many characters; core's own bookkeeping (search documents, job logs) is
# written by code and not bounded here.
TEXT_MAX = 100_000


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or ``None``."""
    if "\x00" in value:
        return _("Remove the NUL (\\0) character: it cannot be stored.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("This text contains an invalid character (a lone surrogate): it cannot be stored.")
    return None


def integer_problem(value: int, low: int = INT64_MIN, high: int = INT64_MAX) -> str | None:
    """Why ``value`` does not fit between ``low`` and ``high``, or ``None``."""
    if low <= value <= high:
        return None
    return _("Enter a whole number between %(low)s and %(high)s.") % {"low": low, "high": high}


def problems(value, path: str = "") -> list[tuple[str, str]]:
    """``(field path, message)`` for every string and integer inside ``value`` (dicts,
    lists, pydantic models) that cannot be stored: the API's check of a parsed request
    (a few microseconds for a list's query: it runs on every call)."""
    found: list[tuple[str, str]] = []
    _walk(value, path, found)
    return found


def _walk(value, path: str, found: list) -> None:
    kind = type(value)
    if kind is str:
        # the common case costs one scan: ASCII without NUL is always storable
        if value.isascii() and "\x00" not in value:
            return
        message = text_problem(value)
        if message:
            found.append((path or "__all__", message))
    elif kind is int:
        if not INT64_MIN <= value <= INT64_MAX:
            found.append((path or "__all__", integer_problem(value)))
    elif value is None or kind is bool or kind is float:
        return
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and text_problem(key):
                found.append((_join(path, "__key__"), text_problem(key)))
            _walk(item, _join(path, str(key)), found)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            _walk(item, _join(path, str(index)), found)
    elif hasattr(kind, "model_fields"):  # a pydantic model (ninja Schema)
        for name, item in value.__dict__.items():
            _walk(item, _join(path, name), found)
    elif isinstance(value, str):
        _walk(str(value), path, found)
    elif isinstance(value, int):
        _walk(int(value), path, found)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def refuse(found: list[tuple[str, str]]) -> None:
    """Raise the field errors of :func:`problems` (if any) as one 422 ``invalid_input``."""
    if not found:
        return
    errors: dict[str, list[str]] = {}
    for field, message in found:
        errors.setdefault(field, []).append(message)
    raise ValidationFailed(errors, code="invalid_input")


# --- model fields ---------------------------------------------------------------------------


@cache
def _checks(model) -> tuple:
    """``(attname, name, kind, limit)`` of the fields of ``model`` worth checking."""
    checks = []
    for field in model._meta.concrete_fields:
        internal = field.get_internal_type()
        if internal in COLUMN_RANGES:
            checks.append((field.attname, field.name, "int", COLUMN_RANGES[internal]))
        elif isinstance(field, (models.CharField, models.TextField)):
            limit = field.max_length
            if (
                limit is None
                and isinstance(field, models.TextField)
                and model._meta.app_label != "core"
            ):
                limit = TEXT_MAX
            checks.append((field.attname, field.name, "text", limit))
        elif isinstance(field, models.JSONField):
            checks.append((field.attname, field.name, "json", None))
        elif isinstance(field, models.ForeignKey):
            target = field.target_field.get_internal_type()
            if target in COLUMN_RANGES:
                checks.append((field.attname, field.name, "int", COLUMN_RANGES[target]))
    return tuple(checks)


def instance_problems(instance) -> dict[str, list[str]]:
    """Field errors of the values ``instance`` would write that its columns cannot hold."""
    errors: dict[str, list[str]] = {}
    for attname, name, kind, limit in _checks(type(instance)):
        value = getattr(instance, attname, None)
        if value is None:
            continue
        message = None
        if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            message = integer_problem(value, *limit)
        elif kind == "text" and isinstance(value, str):
            message = text_problem(value)
            if message is None and limit is not None and len(value) > limit:
                message = _("Use at most %(limit)s characters (this has %(length)s).") % {
                    "limit": limit,
                    "length": len(value),
                }
        elif kind == "json":
            found = next(iter(problems(value)), None)
            message = found[1] if found else None
        if message:
            errors.setdefault(name, []).append(message)
    return errors


def check_instance(sender, instance, raw=False, **kwargs) -> None:
    """``pre_save`` of every project model: refuse (422 / form field errors) what its
    columns cannot hold, the same on SQLite and PostgreSQL. Fixtures (``raw``) pass."""
    if raw or not sender.__module__.startswith("daifuku."):
        return
    errors = instance_problems(instance)
    if errors:
        raise ValidationFailed(errors, code="invalid_input")
