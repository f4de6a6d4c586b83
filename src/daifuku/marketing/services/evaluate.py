"""Is one person in each segment? The question every event asks (an order landed, consent
was recorded, a mail was clicked), answered in one query however many segments there are,
and in time that does not grow with the ledger.

Two things make it cheap:

* **Narrowed to the person.** A compiled rule is a ``Q`` on people whose conditions are
  mostly ``pk IN (subquery on another table)`` — orders grouped per person, consent rows,
  tags. Asked for everyone (a count), the database computes each subquery once. Asked
  for one person, the same SQL would still compute it for everyone (a grouped count of
  every order, every opted-out address). :func:`narrow` adds ``person = X`` inside every
  such subquery, so each reads the person's few rows through its index. It is exact: "X
  is in (rows of everyone)" is "X is in (rows of X)".
* **Compiled once.** Validating and compiling rules and turning them into SQL costs more
  than running the narrowed query. :func:`person_sql` keeps each segment's SQL for the
  day (dates in the rules are the day's) and the segments' rules, with the person as
  a placeholder; a minute at most, so a tag or rank deleted since is seen soon (a rule
  naming it then selects no one — until then it selected no one through that value).
"""

from __future__ import annotations

import json
import time

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet

from daifuku.customers.models import Person

from .. import conditions
from ..models import Segment, SegmentMembership

NOBODY = "SELECT 1 WHERE 1 = 0"
SENTINEL = -7_316_945_201  # the person's place in a cached statement's parameters
TTL_SECONDS = 60.0

_cache: dict[tuple, tuple[float, dict[int, tuple[str, list]]]] = {}


def narrow(q: Q, person_id: int) -> Q:
    """``q`` with every ``pk IN (subquery)`` restricted to rows of ``person_id`` (the
    subquery's one selected column is the person: ``person_id``, ``order__person_id``)."""
    children: list = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(narrow(child, person_id))
            continue
        if (
            isinstance(child, tuple)
            and child[0] in ("pk__in", "id__in")
            and isinstance(child[1], QuerySet)
        ):
            rows = child[1]
            selected = rows.query.values_select
            if len(selected) == 1:
                rows = rows.filter(**{selected[0]: person_id})
            children.append((child[0], rows))
            continue
        children.append(child)
    narrowed = Q()
    narrowed.connector, narrowed.negated, narrowed.children = q.connector, q.negated, children
    return narrowed


def person_sql(segments: list[Segment], context: conditions.Context) -> dict[int, tuple[str, list]]:
    """For each segment, ``SELECT … FROM person WHERE id = ? AND <its rules, narrowed>`` with
    the person as :data:`SENTINEL` among the parameters."""
    key = (
        context.today,
        connection.alias,
        tuple((s.pk, s.kind, json.dumps(s.rules, sort_keys=True)) for s in segments),
    )
    found = _cache.get(key)
    if found is not None and time.monotonic() - found[0] < TTL_SECONDS:
        return found[1]
    statements = {}
    for segment in segments:
        q = narrow(conditions.segment_q(segment, context), SENTINEL)
        try:
            sql, params = (
                Person.objects.filter(pk=SENTINEL).filter(q).values("pk").query.sql_with_params()
            )
        except EmptyResultSet:  # rules that hold for no one (「いずれか」 of nothing)
            sql, params = NOBODY, ()
        statements[segment.pk] = (sql, list(params))
    _cache.clear()  # one generation of segments at a time
    _cache[key] = (time.monotonic(), statements)
    return statements


def segments_holding(
    person_id: int, segments: list[Segment], context: conditions.Context | None = None
) -> set[int]:
    """The ids of the ``segments`` whose rules ``person_id`` meets now — one query."""
    return holding_and_stored(person_id, segments, context)[0]


def holding_and_stored(
    person_id: int, segments: list[Segment], context: conditions.Context | None = None
) -> tuple[set[int], set[int]]:
    """The ``segments`` whose rules ``person_id`` meets now, and those that store them as a
    member — in one query (one round trip per event)."""
    if not segments:
        return set(), set()
    statements = person_sql(segments, context or conditions.today_context())
    table = connection.ops.quote_name(SegmentMembership._meta.db_table)
    columns, params = [], []
    for segment in segments:
        sql, raw = statements[segment.pk]
        columns.append(f"CASE WHEN EXISTS({sql}) THEN 1 ELSE 0 END")
        params += [person_id if p == SENTINEL else p for p in raw]
    for segment in segments:
        columns.append(
            f"CASE WHEN EXISTS(SELECT 1 FROM {table} WHERE segment_id = %s AND person_id = %s) "
            "THEN 1 ELSE 0 END"
        )
        params += [segment.pk, person_id]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = cursor.fetchone()
    count = len(segments)
    inside = {s.pk for s, flag in zip(segments, row[:count], strict=True) if flag}
    stored = {s.pk for s, flag in zip(segments, row[count:], strict=True) if flag}
    return inside, stored
