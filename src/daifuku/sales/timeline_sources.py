"""Sales' contributions to timelines and panels: a customer's deals on the person/company
timeline, and on a deal's own page its stage changes, audit trail and touches."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from daifuku.core.audit import label_for
from daifuku.core.models import AuditEntry
from daifuku.core.timeline import TimelineItem

from .models import Deal, StageChange
from .selectors import deals_queryset


def customer_deals_source(*, subject, user, before, limit) -> list[TimelineItem]:
    """Deals opened with this customer (one indexed query on the customer's foreign key)."""
    return [
        TimelineItem(
            at=deal.created_at, kind="deal", title=_("Deal: %(title)s") % {"title": deal.title},
            body=f"{deal.stage.name} · ¥{deal.amount:,}", url=reverse("sales:deal", args=[deal.pk]), sort_id=deal.pk,
        )
        for deal in _newest_deals(user, subject, before=before, limit=limit)
    ]


def _newest_deals(user, customer, *, before, limit: int) -> list[Deal]:
    """The customer's newest ``limit`` deals the user may see, with their stage. The
    newest are kept on the customer instance (one request) with how many were asked, so
    the person page's deals panel can tell whether they are all of them."""
    field = "person" if label_for(customer) == "customers.person" else "company"
    qs = deals_queryset(user).filter(**{field: customer}).select_related("stage")
    if before is not None:
        qs = qs.filter(created_at__lt=before)
    deals = list(qs.order_by("-created_at", "-id")[:limit])
    if before is None:
        customer.__dict__.setdefault("_newest_deals", {})[user.pk] = (limit, deals)
    return deals


def stage_source(*, subject, user, before, limit) -> list[TimelineItem]:
    qs = StageChange.objects.filter(deal_id=subject.pk).select_related("from_stage", "to_stage", "changed_by")
    if before is not None:
        qs = qs.filter(changed_at__lt=before)
    items = []
    for change in qs.order_by("-changed_at", "-id")[:limit]:
        if change.from_stage is None:
            title = _("Opened in %(stage)s") % {"stage": change.to_stage.name}
        else:
            title = _("%(from)s → %(to)s") % {"from": change.from_stage.name, "to": change.to_stage.name}
        body = ""
        if change.seconds_in_from is not None:
            body = _("%(days)s days in the previous stage") % {"days": round(change.seconds_in_from / 86400, 1)}
        items.append(TimelineItem(at=change.changed_at, kind="stage", title=title, body=body,
                                  actor=str(change.changed_by) if change.changed_by else "", sort_id=change.pk))
    return items


AUDIT_TITLES = {
    "create": lambda: _("Created"), "update": lambda: _("Changed"), "delete": lambda: _("Removed"),
    "stalled": lambda: _("Flagged as stalled"),
}


def audit_source(*, subject, user, before, limit) -> list[TimelineItem]:
    """Field changes of the deal and its lines, contacts and quotes (moves show as stage
    entries, so they are left out here)."""
    entries = (AuditEntry.objects.filter(subject_type="sales.deal", subject_id=subject.pk)
               .exclude(action="move").select_related("actor"))
    if before is not None:
        entries = entries.filter(at__lt=before)
    items = []
    for entry in entries.order_by("-at", "-id")[:limit]:
        title = AUDIT_TITLES.get(entry.action, lambda e=entry: e.action)()
        if entry.object_type != "sales.deal":
            title = f"{title}: {entry.object_repr}"
        items.append(TimelineItem(
            at=entry.at, kind="audit", title=title, actor=str(entry.actor) if entry.actor else entry.actor_label,
            template="customers/partials/_timeline_audit.html",
            data={"changes": entry.changes, "via": entry.via, "action": entry.action}, sort_id=entry.pk,
        ))
    return items


def touch_source(*, subject, user, before, limit) -> list[TimelineItem]:
    """Touches logged against the deal, when the activities app offers them."""
    try:
        from daifuku.activities.selectors import touches_for_subject
    except ImportError:
        return []
    try:
        touches = touches_for_subject(user, subject_type="sales.deal", subject_id=subject.pk, before=before, limit=limit)
    except TypeError:
        return []
    items = []
    for touch in touches:
        if isinstance(touch, TimelineItem):
            items.append(touch)
            continue
        at = getattr(touch, "occurred_at", None) or getattr(touch, "created_at", None)
        if at is None:
            continue
        items.append(TimelineItem(at=at, kind="touch", title=str(getattr(touch, "summary", "") or touch),
                                  body=str(getattr(touch, "body", "") or getattr(touch, "notes", "") or ""),
                                  actor=str(getattr(touch, "rep", "") or ""),
                                  sort_id=getattr(touch, "pk", 0)))
    return items


def person_deals_panel(request, person) -> dict:
    """Open deals of the person (as person or as deal contact) for the top of the 360° page.

    Only the person is in the WHERE clause and the status is checked here: with both,
    SQLite walked the status index through every open deal of the company (a person has a
    handful of deals; a company a hundred thousand open ones)."""
    asked, every = person.__dict__.get("_newest_deals", {}).get(request.user.pk, (0, None))
    if every is not None and len(every) < asked:  # the timeline read every deal already
        deals = sorted(every, key=_closing_order)
    else:
        deals = (deals_queryset(request.user).filter(person=person).select_related("stage")
                 .order_by(F("expected_close").asc(nulls_last=True), "id"))
    return {"open_deals": [deal for deal in deals if deal.status == "open"][:5], "panel_person": person}


def _closing_order(deal: Deal):
    """Soonest expected close first, deals without a date last (as the query orders)."""
    return (deal.expected_close is None, deal.expected_close or dt.date.min, deal.pk)


__all__ = ["Deal", "audit_source", "customer_deals_source", "person_deals_panel", "stage_source", "touch_source"]
