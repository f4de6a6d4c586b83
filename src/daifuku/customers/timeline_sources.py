"""The ledger's own contribution to the 360° timeline: the audit trail of the customer
(created, fields changed, stage reached, consent recorded, family added…)."""

from __future__ import annotations

import functools

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from daifuku.core.audit import label_for
from daifuku.core.audit_display import readable_changes, via_label
from daifuku.core.fixed_query import FixedQuery
from daifuku.core.models import AuditEntry
from daifuku.core.timeline import TimelineItem

ACTION_TITLES = {
    "create": lambda: _("Created"),
    "update": lambda: _("Changed"),
    "delete": lambda: _("Moved to trash"),
    "restore": lambda: _("Restored"),
    "consent": lambda: _("Consent recorded"),
    "merge": lambda: _("Merged"),
    "handover": lambda: _("Handed over"),
    "import": lambda: _("Imported"),
    "seed": lambda: _("Loaded in bulk"),
    "unmerge": lambda: _("Merge undone"),
    "not_duplicate": lambda: _("Marked as not a duplicate"),
    "undo": lambda: _("Undone"),
    "comment": lambda: _("Commented"),
}


def action_title(action: str) -> str:
    """What an audit entry's action says to a person (作成, 変更 …); the code itself only
    for an action no domain has named yet."""
    title = ACTION_TITLES.get(action)
    return title() if title else action


def entry_summary(entry) -> str:
    """The entry's object in words: its own text, except for the seeder's one entry per
    bulk load, whose stored text is for the log (English): its counts in the user's words."""
    if entry.action == "seed" and isinstance(entry.changes, dict):
        return _("%(people)s people, %(companies)s companies") % {
            "people": entry.changes.get("people", 0), "companies": entry.changes.get("companies", 0)}
    return entry.object_repr


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
    readable = readable_changes(entries)
    for entry in entries:
        title = action_title(entry.action)
        if entry.object_type != label or entry.action == "seed":
            title = f"{title}: {entry_summary(entry)}"
        items.append(TimelineItem(
            at=entry.at, kind="audit", title=title,
            actor=str(entry.actor) if entry.actor else entry.actor_label,
            template="customers/partials/_timeline_audit.html",
            data={"changes": readable[entry.pk], "via": via_label(entry.via), "action": entry.action},
            sort_id=entry.pk,
        ))
    return items
