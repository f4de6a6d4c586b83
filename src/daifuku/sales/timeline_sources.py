"""Sales' contributions to timelines and panels: a customer's deals on the person/company
timeline, and on a deal's own page its stage changes, audit trail and touches."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from daifuku.core.audit import label_for
from daifuku.core.audit_display import via_label
from daifuku.core.models import AuditEntry
from daifuku.core.timeline import TimelineItem

from .models import Deal, StageChange, StageKind
from .selectors import deals_queryset
from .timeline_display import events_for


def customer_deals_source(*, subject, user, before, limit) -> list[TimelineItem]:
    """Deals opened with this customer (one indexed query on the customer's foreign key)."""
    return [
        TimelineItem(
            at=deal.created_at,
            kind="deal",
            title=_("Deal: %(title)s") % {"title": deal.title},
            body=f"{deal.stage.name} · ¥{deal.amount:,}",
            url=reverse("sales:deal", args=[deal.pk]),
            sort_id=deal.pk,
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
    """The deal's moves in plain words (「フェーズを移動しました: 提案 → 交渉」, 「失注しました」
    with the reason). Its opening is the audit's 「商談を作成しました」, so it is left out here."""
    qs = StageChange.objects.filter(deal_id=subject.pk, from_stage__isnull=False).select_related(
        "from_stage", "to_stage", "changed_by", "lost_reason"
    )
    if before is not None:
        qs = qs.filter(changed_at__lt=before)
    items = []
    for change in qs.order_by("-changed_at", "-id")[:limit]:
        moved = {"from": change.from_stage.name, "to": change.to_stage.name}
        if change.to_stage.kind == StageKind.WON:
            title = pgettext("timeline", "Won (%(from)s → %(to)s)") % moved
        elif change.to_stage.kind == StageKind.LOST:
            title = pgettext("timeline", "Lost (%(from)s → %(to)s)") % moved
        elif change.from_stage.kind != StageKind.OPEN:
            title = pgettext("timeline", "Reopened: %(from)s → %(to)s") % moved
        else:
            title = pgettext("timeline", "Stage moved: %(from)s → %(to)s") % moved
        lines = []
        if change.lost_reason_id:
            lines.append(
                pgettext("timeline", "Lost reason: %(reason)s")
                % {"reason": change.lost_reason.name}
            )
        if change.reason:
            lines.append(pgettext("timeline", "Note: %(note)s") % {"note": change.reason})
        if change.seconds_in_from is not None:
            lines.append(
                _("%(days)s days in the previous stage")
                % {"days": round(change.seconds_in_from / 86400, 1)}
            )
        items.append(
            TimelineItem(
                at=change.changed_at,
                kind="stage",
                title=title,
                actor=_actor(change.changed_by, ""),
                template=EVENT_TEMPLATE,
                data={"lines": lines},
                sort_id=change.pk,
            )
        )
    return items


EVENT_TEMPLATE = "sales/partials/_timeline_event.html"


def _actor(user, label: str) -> str:
    return str(user) if user else label


def audit_source(*, subject, user, before, limit) -> list[TimelineItem]:
    """What happened to the deal and its lines, people involved and quotes, as business
    events (:mod:`.timeline_display`); moves show as stage entries, so they are left out."""
    entries = (
        AuditEntry.objects.filter(subject_type="sales.deal", subject_id=subject.pk)
        .exclude(action="move")
        .select_related("actor")
    )
    if before is not None:
        entries = entries.filter(at__lt=before)
    entries = list(entries.order_by("-at", "-id")[:limit])
    events = events_for(entries)
    items = []
    for entry in entries:
        event = events[entry.pk]
        if entry.action == "update" and not event.lines:
            continue  # only bookkeeping changed: nothing a person would read
        items.append(
            TimelineItem(
                at=entry.at,
                kind="audit",
                title=event.title,
                actor=_actor(entry.actor, entry.actor_label),
                template=EVENT_TEMPLATE,
                data={
                    "lines": event.lines,
                    "via": "" if entry.via == "ui" else via_label(entry.via),
                },
                sort_id=entry.pk,
            )
        )
    return items


def touch_source(*, subject, user, before, limit) -> list[TimelineItem]:
    """Touches logged against the deal, when the activities app offers them."""
    try:
        from daifuku.activities.selectors import touches_for_subject
    except ImportError:
        return []
    try:
        touches = touches_for_subject(
            user, subject_type="sales.deal", subject_id=subject.pk, before=before, limit=limit
        )
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
        items.append(
            TimelineItem(
                at=at,
                kind="touch",
                title=str(getattr(touch, "summary", "") or touch),
                body=str(getattr(touch, "body", "") or getattr(touch, "notes", "") or ""),
                actor=str(getattr(touch, "rep", "") or ""),
                sort_id=getattr(touch, "pk", 0),
            )
        )
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
        deals = (
            deals_queryset(request.user)
            .filter(person=person)
            .select_related("stage")
            .order_by(F("expected_close").asc(nulls_last=True), "id")
        )
    return {
        "open_deals": [deal for deal in deals if deal.status == "open"][:5],
        "panel_person": person,
    }


def _closing_order(deal: Deal):
    """Soonest expected close first, deals without a date last (as the query orders)."""
    return (deal.expected_close is None, deal.expected_close or dt.date.min, deal.pk)


__all__ = [
    "Deal",
    "audit_source",
    "customer_deals_source",
    "person_deals_panel",
    "stage_source",
    "touch_source",
]
