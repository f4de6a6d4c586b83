"""The ledger's own contribution to the 360° timeline: the audit trail of the customer
(created, fields changed, stage reached, consent recorded, family added…)."""

from __future__ import annotations

import functools

from django.db.models import QuerySet

from daifuku.core.audit import label_for
from daifuku.core.audit_display import readable_entries
from daifuku.core.fixed_query import FixedQuery
from daifuku.core.models import AuditEntry
from daifuku.core.timeline import TimelineItem


def _entries(label: str, pk: int, before, limit: int) -> QuerySet:
    entries = AuditEntry.objects.filter(subject_type=label, subject_id=pk).select_related("actor")
    if before is not None:
        entries = entries.filter(at__lt=before)
    return entries.order_by("-at", "-id")[:limit]


@functools.cache
def _newest_entries(limit: int) -> FixedQuery:
    """The first page of a timeline, compiled once (every 360° page reads it)."""
    return FixedQuery(lambda label, pk: _entries(label, pk, None, limit))


def audit_source(*, subject, user, before, limit) -> list[TimelineItem]:
    label = label_for(subject)
    items = []
    if before is None:
        entries = _newest_entries(limit)(label, subject.pk)
    else:
        entries = list(_entries(label, subject.pk, before, limit))
    for row in readable_entries(entries, user=user):
        entry = row.entry
        items.append(
            TimelineItem(
                at=entry.at,
                kind="audit",
                title=row.sentence,
                actor=row.actor,
                template="customers/partials/_timeline_audit.html",
                data={"changes": row.changes, "via": row.via, "action": entry.action},
                sort_id=entry.pk,
            )
        )
    return items
