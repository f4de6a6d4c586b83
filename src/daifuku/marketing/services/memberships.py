"""The materialised membership of segments (``SegmentMembership``): who is in each segment
now. Derived data, kept in step with the rules and the ledger — written only here, with
no audit entry (the audit keeps what people did: the segment's rules; a membership is
their consequence, and millions of rows a day would drown the trail).

* :func:`refresh_segment` — one segment against its rules (after its rules change, in
  the daily calendar refresh and in the full check): adds who is missing, removes who no
  longer belongs, says how many;
* :func:`refresh_person` — one person against every segment, in one query (after an
  event about them: an order landed, consent was recorded, a mail was clicked …);
* :func:`calendar_refresh` — once a day, the segments whose rules compare with today
  (ages, 「最終購入から90日以上」, the last N days), set-based;
* :func:`full_check` — every segment; the periodic check that must find nothing to fix
  when the event-driven updates work (what it fixes is logged as drift).

Every change of the stored membership is a ``segment.entered`` / ``segment.left`` event
(after commit) with a ``reason``: ``event`` (something happened to the person), ``rules``
(the segment was created or its rules changed), ``list`` (put onto / taken off a fixed
list), ``calendar`` (a day passed) or ``check`` (the full check repaired drift). A full
refresh emits one event per person who changed, not one batch event: whoever reacts (a
step mail) acts per person and needs a single code path, and the reason lets it tell a
new segment's first members (``rules``) from people who just qualified.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from daifuku.core import events
from daifuku.core.errors import ValidationFailed
from daifuku.customers.models import Person

from .. import conditions
from ..models import Segment, SegmentKind, SegmentMembership
from .evaluate import holding_and_stored

logger = logging.getLogger(__name__)

EVENT, RULES, LIST, CALENDAR, CHECK = "event", "rules", "list", "calendar", "check"


@dataclass(frozen=True)
class Drift:
    """What a refresh found out of step: people missing from the stored membership and
    people stored who no longer belong."""

    missing: int = 0
    extra: int = 0

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra)


def announce(segment_id: int, entered: Iterable[int], left: Iterable[int], reason: str) -> None:
    """``segment.entered`` / ``segment.left`` for each person, run after commit."""
    for person_id in entered:
        events.emit("segment.entered", segment_id=segment_id, person_id=person_id, reason=reason)
    for person_id in left:
        events.emit("segment.left", segment_id=segment_id, person_id=person_id, reason=reason)


WANTED = "marketing_segment_wanted"  # the temporary table of one refresh's members


def refresh_segment(
    segment_id: int,
    *,
    fix: bool = True,
    reason: str = RULES,
    context: conditions.Context | None = None,
) -> Drift:
    """Bring one segment's stored members in line with its rules (``fix=False``: only
    measure). A deleted segment has nothing to refresh.

    Set-based, the rules evaluated **once**: their members go into a temporary table
    (one scan of the ledger, ids only), then two statements write only the difference —
    DELETE the stored people not in it, INSERT the people in it not stored — each
    RETURNING the ids it changed for ``segment.entered`` / ``left``. A big segment's
    members never leave the database except as the ids that changed. (Written as two
    subqueries of the rules, the rules ran three times: the INSERT's, its outer scan of
    the ledger and the DELETE's — most of a first materialisation's time.)"""
    segment = Segment.objects.filter(pk=segment_id).first()
    if segment is None:
        return Drift()
    wanted_sql, wanted_params = (
        Person.objects.filter(conditions.segment_q(segment, context))
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )
    table = connection.ops.quote_name(SegmentMembership._meta.db_table)
    absent = f"NOT EXISTS (SELECT 1 FROM {WANTED} w WHERE w.person_id = {table}.person_id)"
    missing = (
        f"FROM {WANTED} w WHERE NOT EXISTS (SELECT 1 FROM {table} m "
        "WHERE m.segment_id = %s AND m.person_id = w.person_id)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        _fill_wanted(cursor, wanted_sql, wanted_params)
        if not fix:
            cursor.execute(f"SELECT COUNT(*) {missing}", [segment_id])
            count_missing = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT COUNT(*) FROM {table} WHERE segment_id = %s AND {absent}", [segment_id]
            )
            count_extra = cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE {WANTED}")
            return Drift(count_missing, count_extra)
        cursor.execute(
            f"DELETE FROM {table} WHERE segment_id = %s AND {absent} RETURNING person_id",
            [segment_id],
        )
        left = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"INSERT INTO {table} (segment_id, person_id, since) "
            f"SELECT %s, w.person_id, %s {missing} ORDER BY w.person_id "
            # an event's refresh of one person may insert the same row meanwhile
            "ON CONFLICT (segment_id, person_id) DO NOTHING RETURNING person_id",
            [segment_id, connection.ops.adapt_datetimefield_value(timezone.now()), segment_id],
        )
        entered = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {WANTED}")
        announce(segment_id, entered, left, reason)
        return Drift(len(entered), len(left))


def _fill_wanted(cursor, wanted_sql: str, wanted_params) -> None:
    """The rules' members into the temporary table ``WANTED`` (dropped at the end of the
    refresh; PostgreSQL drops it at commit in any case)."""
    if connection.vendor == "postgresql":
        cursor.execute(
            f"CREATE TEMPORARY TABLE {WANTED} (person_id bigint PRIMARY KEY) ON COMMIT DROP"
        )
    else:
        cursor.execute(f"DROP TABLE IF EXISTS temp.{WANTED}")
        cursor.execute(f"CREATE TEMPORARY TABLE {WANTED} (person_id INTEGER PRIMARY KEY)")
    cursor.execute(f"INSERT INTO {WANTED} (person_id) {wanted_sql}", wanted_params)
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {WANTED}")  # the anti-joins' plans need its size


def refresh_person(person_id: int, *, reason: str = EVENT) -> list[tuple[int, bool]]:
    """Re-evaluate one person against every segment — one query, each segment's rules
    narrowed to the person (:mod:`.evaluate`) — and store what changed; returns ``(segment_id, now_in)`` for
    each segment whose membership changed. The function the other parts of marketing
    call when something they record about a person may move them (a mail clicked). A
    person who is deleted or merged away is in no segment."""
    segments = list(Segment.objects.order_by("pk"))
    if not segments:
        return []
    inside, stored = holding_and_stored(person_id, segments)
    if stored == inside:
        return []  # the usual case: nothing moved, nothing locked or written
    changed: list[tuple[int, bool]] = []
    with transaction.atomic():
        stored = set(
            SegmentMembership.objects.select_for_update()
            .filter(person_id=person_id)
            .values_list("segment_id", flat=True)
        )
        entering = sorted(inside - stored)
        leaving = sorted(stored - inside)
        if entering:
            SegmentMembership.objects.bulk_create(
                [SegmentMembership(segment_id=pk, person_id=person_id) for pk in entering],
                ignore_conflicts=True,
            )
        if leaving:
            SegmentMembership.objects.filter(person_id=person_id, segment_id__in=leaving).delete()
        for pk in entering:
            announce(pk, [person_id], [], reason)
            changed.append((pk, True))
        for pk in leaving:
            announce(pk, [], [person_id], reason)
            changed.append((pk, False))
    return changed


def store(segment_id: int, person_ids: list[int], *, reason: str = LIST) -> None:
    """People put onto a fixed list: stored at once, announced after commit."""
    if not person_ids:
        return
    SegmentMembership.objects.bulk_create(
        [SegmentMembership(segment_id=segment_id, person_id=pk) for pk in person_ids],
        ignore_conflicts=True,
    )
    announce(segment_id, person_ids, [], reason)


def unstore(segment_id: int, person_ids: list[int], *, reason: str = LIST) -> None:
    """People taken off a fixed list (those stored are announced as having left)."""
    rows = SegmentMembership.objects.filter(segment_id=segment_id, person_id__in=person_ids)
    gone = list(rows.values_list("person_id", flat=True))
    rows.delete()
    announce(segment_id, [], gone, reason)


def dependents(segment_id: int) -> list[int]:
    """The segments whose rules name ``segment_id`` (「セグメントのメンバー」), directly or
    through others: their members change when its rules or its list change."""
    refers = dict(Segment.objects.values_list("pk", "refers_to"))
    found: list[int] = []
    frontier = [segment_id]
    while frontier:
        current = frontier.pop()
        for pk, names in refers.items():
            if current in (names or []) and pk not in found and pk != segment_id:
                found.append(pk)
                frontier.append(pk)
    return found


def uses_calendar(segment: Segment, _seen: frozenset[int] = frozenset()) -> bool:
    """Whether the segment's members can change only because a day passed: a condition
    that compares with today, or membership of a segment that does."""
    if segment.kind == SegmentKind.STATIC or segment.pk in _seen:
        return False
    try:
        group = conditions.parse(segment.rules)
    except ValidationFailed:  # rules that no longer validate select no one, every day alike
        return False

    def walk(node) -> bool:
        for item in node.items:
            if isinstance(item, conditions.Group):
                if walk(item):
                    return True
                continue
            field = conditions.get(item.field)
            if field is not None and field.moves_with_calendar:
                return True
            if item.field == "segment":
                ids = item.value if isinstance(item.value, list) else [item.value]
                for other in Segment.objects.filter(pk__in=ids):
                    if uses_calendar(other, _seen | {segment.pk}):
                        return True
        return False

    return walk(group)


def calendar_refresh(today: dt.date | None = None) -> dict[int, Drift]:
    """The daily step for relative dates: the segments whose rules compare with today,
    each refreshed set-based once per day of Japan (a segment marks the day it was last
    brought in line with the calendar, so an hourly call does the work once, soon after
    midnight). Segments without such a condition are left to the events. ``today``: the
    day to evaluate for (the current day of Japan)."""
    today = today or timezone.localdate()
    context = conditions.Context(
        today=today, now=timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    )
    changed = {}
    for segment in Segment.objects.exclude(calendar_day=today).order_by("pk"):
        if uses_calendar(segment):
            drift = refresh_segment(segment.pk, reason=CALENDAR, context=context)
            if not drift.clean:
                changed[segment.pk] = drift
        Segment.objects.filter(pk=segment.pk).update(calendar_day=today)
    return changed


def refresh_rule_segments(*, reason: str = EVENT) -> dict[int, Drift]:
    """Every rules segment set-based, the segments others name first: after one change that
    moves thousands of people at once (analytics' full rebuild, the nightly rank decay, new
    rank rules), one pass per segment instead of a re-evaluation — and a queued task — per
    person. The segments that changed, with how far."""
    refers = dict(Segment.objects.exclude(kind=SegmentKind.STATIC).values_list("pk", "refers_to"))
    ordered: list[int] = []

    def visit(pk: int, path: frozenset[int]) -> None:
        if pk in ordered or pk in path or pk not in refers:
            return
        for other in refers[pk] or []:
            visit(other, path | {pk})
        ordered.append(pk)

    for pk in sorted(refers):
        visit(pk, frozenset())
    changed = {}
    for pk in ordered:
        drift = refresh_segment(pk, reason=reason)
        if not drift.clean:
            changed[pk] = drift
    return changed


def full_check(*, fix: bool = True) -> dict[int, Drift]:
    """Every segment against its rules; the segments that had drifted, with how far.
    With the events and the calendar refresh in place it finds nothing to fix."""
    drifted = {}
    for segment_id in Segment.objects.order_by("pk").values_list("pk", flat=True):
        drift = refresh_segment(segment_id, fix=fix, reason=CHECK)
        if not drift.clean:
            drifted[segment_id] = drift
    if drifted:
        logger.warning("segment full check fixed %s segments: %s", len(drifted), drifted)
    return drifted
