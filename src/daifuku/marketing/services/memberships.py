"""The materialised membership of segments (``SegmentMembership``): who is in each segment
now. Derived data, kept in step with the rules and the ledger — written only here, with
no audit entry (the audit keeps what people did: the segment's rules; a membership is
their consequence, and millions of rows a day would drown the trail).

* :func:`refresh_segment` — one segment against its rules (after its rules change, and in
  the full check): adds who is missing, removes who no longer belongs, says how many;
* :func:`refresh_person` — one person against every segment (after an event about them:
  an order landed, a touch was logged …);
* :func:`full_check` — every segment; the periodic check that must find nothing to fix
  when the event-driven updates work (what it fixes is logged as drift).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from daifuku.customers.models import Person

from .. import conditions
from ..models import Segment, SegmentMembership

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Drift:
    """What a refresh found out of step: people missing from the stored membership and
    people stored who no longer belong."""

    missing: int = 0
    extra: int = 0

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra)


def refresh_segment(segment_id: int, *, fix: bool = True) -> Drift:
    """Bring one segment's stored members in line with its rules (``fix=False``: only
    measure). A deleted segment has nothing to refresh. Two set statements in the
    database (INSERT … SELECT the missing, DELETE the extra) rather than the ids through
    Python: the members of a big segment never leave the database."""
    segment = Segment.objects.filter(pk=segment_id).first()
    if segment is None:
        return Drift()
    wanted_sql, wanted_params = (
        Person.objects.filter(conditions.segment_q(segment)).values("pk").query.sql_with_params()
    )
    table = connection.ops.quote_name(SegmentMembership._meta.db_table)
    person = connection.ops.quote_name(Person._meta.db_table)
    stored = f"SELECT m.person_id FROM {table} m WHERE m.segment_id = %s"
    missing_where = f"{person}.id IN ({wanted_sql}) AND {person}.id NOT IN ({stored})"
    extra_where = f"segment_id = %s AND person_id NOT IN ({wanted_sql})"
    with transaction.atomic(), connection.cursor() as cursor:
        if not fix:
            cursor.execute(
                f"SELECT COUNT(*) FROM {person} WHERE {missing_where}",
                [*wanted_params, segment_id],
            )
            missing = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {extra_where}",
                [segment_id, *wanted_params],
            )
            return Drift(missing, cursor.fetchone()[0])
        cursor.execute(
            f"INSERT INTO {table} (segment_id, person_id, since) "
            f"SELECT %s, {person}.id, %s FROM {person} WHERE {missing_where} "
            # an event's refresh of one person may insert the same row meanwhile
            "ON CONFLICT (segment_id, person_id) DO NOTHING",
            [
                segment_id,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                *wanted_params,
                segment_id,
            ],
        )
        missing = cursor.rowcount
        cursor.execute(f"DELETE FROM {table} WHERE {extra_where}", [segment_id, *wanted_params])
        return Drift(missing, cursor.rowcount)


def refresh_person(person_id: int) -> list[tuple[int, bool]]:
    """Re-evaluate one person against every segment; returns ``(segment_id, now_in)`` for
    each segment whose membership changed."""
    changed = []
    person = Person.objects.filter(pk=person_id)
    stored = set(
        SegmentMembership.objects.filter(person_id=person_id).values_list("segment_id", flat=True)
    )
    for segment in Segment.objects.all():
        inside = person.filter(conditions.segment_q(segment)).exists()
        if inside and segment.pk not in stored:
            SegmentMembership.objects.get_or_create(segment=segment, person_id=person_id)
            changed.append((segment.pk, True))
        elif not inside and segment.pk in stored:
            SegmentMembership.objects.filter(segment=segment, person_id=person_id).delete()
            changed.append((segment.pk, False))
    return changed


def full_check(*, fix: bool = True) -> dict[int, Drift]:
    """Every segment against its rules; the segments that had drifted, with how far.
    Run daily (relative dates move: 「最終購入から90日以上」 changes with the calendar)."""
    drifted = {}
    for segment_id in Segment.objects.order_by("pk").values_list("pk", flat=True):
        drift = refresh_segment(segment_id, fix=fix)
        if not drift.clean:
            drifted[segment_id] = drift
    if drifted:
        logger.info("segment full check fixed %s segments: %s", len(drifted), drifted)
    return drifted
