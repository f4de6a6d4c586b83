"""Keyset (cursor) pagination: the cost of a page does not grow with its depth, and no
exact COUNT(*) runs on every request (a million-row table would pay for it each time)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .errors import ValidationFailed


def invalid_cursor() -> ValidationFailed:
    """The error for a page cursor that is not one we issued (edited, truncated, or from a
    list whose order has changed): 422 ``invalid_cursor`` in the API, a message on screens."""
    return ValidationFailed(
        {
            "cursor": [
                _(
                    "This page link is not valid (it may be out of date): start again from the first page."
                )
            ]
        },
        code="invalid_cursor",
    )


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), ensure_ascii=False, default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, size: int) -> list[Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid_cursor() from exc
    if not isinstance(values, list) or len(values) != size:
        raise invalid_cursor()
    return values


@dataclass
class Page:
    items: list
    next_cursor: str | None
    previous_cursor: str | None
    has_next: bool


def _after(fields: Sequence[str], values: Sequence[Any], descending: Sequence[bool]) -> Q:
    """WHERE clause for rows strictly after ``values`` in the ordering of ``fields``."""
    clause = Q()
    for index, name in enumerate(fields):
        op = "lt" if descending[index] else "gt"
        step = Q(**{f"{name}__{op}": values[index]})
        for prev_index in range(index):
            step &= Q(**{fields[prev_index]: values[prev_index]})
        clause |= step
    return clause


def keyset_page(
    queryset: QuerySet,
    ordering: Sequence[str],
    *,
    cursor: str | None = None,
    size: int = 25,
    backwards: bool = False,
) -> Page:
    """One page of ``queryset`` ordered by ``ordering`` (e.g. ``["sort_kana", "id"]`` or
    ``["-created_at", "-id"]``; the last field must be unique). ``cursor`` is the opaque
    position to continue after (or before, with ``backwards``). ``queryset`` may be a
    ``.values()`` queryset that includes the ordering fields (rows are then dicts)."""
    fields = [name.lstrip("-") for name in ordering]
    descending = [name.startswith("-") for name in ordering]
    values = decode_cursor(cursor, len(fields))
    order = list(ordering)
    if backwards:
        descending = [not d for d in descending]
        order = [("" if name.startswith("-") else "-") + name.lstrip("-") for name in ordering]
    qs = queryset
    if values is not None:
        # The redundant bound on the first field lets the database start the index range
        # at the cursor; the OR form alone made SQLite walk the index from the start.
        bound = Q(**{f"{fields[0]}__{'lte' if descending[0] else 'gte'}": values[0]})
        qs = qs.filter(bound & _after(fields, values, descending))
    rows = list(qs.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()

    next_cursor = _position(rows[-1], fields) if rows and (more or backwards) else None
    previous_cursor = (
        _position(rows[0], fields)
        if rows and (values is not None) and (not backwards or more)
        else None
    )
    return Page(
        items=rows,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        has_next=more or backwards,
    )


def filtered_keyset_page(
    queryset: QuerySet,
    ordering: Sequence[str],
    keep: Callable[[list], set],
    *,
    cursor: str | None = None,
    size: int = 25,
    backwards: bool = False,
    chunk: int = 1000,
) -> Page:
    """:func:`keyset_page` of the rows that ``keep`` lets through, for a condition SQL
    cannot say cheaply (a list sorted by date and narrowed by a search): the rows are read
    in ``chunk``-row keyset pages in the list's own order, ``keep(rows)`` returns the
    primary keys of those to keep, and the walk stops once the page is full. Same
    cursors and page shape as :func:`keyset_page`; ``queryset`` should be a light
    ``.values()`` queryset with ``id`` and the ordering fields."""
    fields = [name.lstrip("-") for name in ordering]
    kept: list = []
    position = cursor
    while len(kept) <= size:
        walked = keyset_page(queryset, ordering, cursor=position, size=chunk, backwards=backwards)
        rows = (
            list(reversed(walked.items)) if backwards else walked.items
        )  # nearest the cursor first
        wanted = keep(rows) if rows else set()
        kept += [row for row in rows if _pk(row) in wanted]
        position = walked.previous_cursor if backwards else walked.next_cursor
        if position is None:
            break
    more = len(kept) > size
    items = kept[:size]
    if backwards:
        items.reverse()
        next_cursor = _position(items[-1], fields) if items else None
        previous_cursor = _position(items[0], fields) if items and more else None
        return Page(
            items=items, next_cursor=next_cursor, previous_cursor=previous_cursor, has_next=True
        )
    next_cursor = _position(items[-1], fields) if items and more else None
    previous_cursor = _position(items[0], fields) if items and cursor is not None else None
    return Page(
        items=items, next_cursor=next_cursor, previous_cursor=previous_cursor, has_next=more
    )


def _pk(row):
    return row["id"] if isinstance(row, dict) else row.pk


def _position(row, fields: Sequence[str]) -> str:
    return encode_cursor([_value(row, name) for name in fields])


def _value(obj, name: str):
    if isinstance(obj, dict):  # a ``.values()`` row
        value = obj[name]
    else:
        value = obj
        for part in name.split("__"):
            value = getattr(value, part)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def capped_count(queryset: QuerySet, cap: int = 1000) -> tuple[int, bool]:
    """How many rows, counting at most ``cap`` (so a million-row list stays cheap):
    ``(count, more_than_cap)``."""
    count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap
