"""Activities' contributions to shared pages: the 360° timeline (touches, ownership
history), the panels on top of the person page and the dashboard, and the calendar URL."""

from __future__ import annotations

import functools

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from daifuku.core.fixed_query import FixedQuery
from daifuku.core.timeline import TimelineItem
from daifuku.customers.models import Person

from . import selectors
from .models import OwnershipPeriod

TOUCH_TEMPLATE = "activities/partials/_timeline_touch.html"


def touch_source(*, subject, user, before, limit) -> list[TimelineItem]:
    """The customer's touches newest first: one indexed query (plus attachments)."""
    touches = selectors.customer_touches(user, subject, before=before, limit=limit)
    return [
        TimelineItem(
            at=t.occurred_at,
            kind="touch",
            title=t.summary,
            actor=str(t.rep),
            template=TOUCH_TEMPLATE,
            data={"touch": t},
            sort_id=t.pk,
        )
        for t in touches
    ]


def _handovers(field: str, pk: int, before, limit: int) -> QuerySet:
    qs = OwnershipPeriod.objects.filter(**{f"{field}_id": pk}, handed_over_by__isnull=False)
    if before is not None:
        qs = qs.filter(started_at__lt=before)
    return qs.select_related("owner", "handed_over_by").order_by("-started_at", "-id")[:limit]


@functools.cache
def _newest_handovers(field: str, limit: int) -> FixedQuery:
    """The first page of a customer's handovers, compiled once (every 360° page reads it)."""
    return FixedQuery(lambda pk: _handovers(field, pk, None, limit))


def ownership_source(*, subject, user, before, limit) -> list[TimelineItem]:
    field = "person" if isinstance(subject, Person) else "company"
    if before is None:
        periods = _newest_handovers(field, limit)(subject.pk)
    else:
        periods = list(_handovers(field, subject.pk, before, limit))
    return [
        TimelineItem(
            at=p.started_at,
            kind="ownership",
            title=_("Now looked after by %(owner)s") % {"owner": p.owner},
            body=p.note,
            actor=str(p.handed_over_by or ""),
            sort_id=p.pk,
        )
        for p in periods
    ]


def person_top_panel(request, person) -> dict:
    from .forms import HandoverForm

    return {
        "customer": person,
        "customer_field": "person",
        "recent_touches": selectors.recent_touches(request.user, person=person, limit=3),
        "open_actions": selectors.open_actions_for(request.user, person=person, limit=5),
        "handover_form": HandoverForm(),
    }


def dashboard_panel(request, obj=None) -> dict:
    day = selectors.my_day(request.user, request.user, limit=20)
    return {"day": day, "unread": selectors.unread_count(request.user)}


def profile_panel(request, obj=None) -> dict:
    return {"calendar_url": calendar_url(request, request.user)}


def calendar_url(request, user) -> str | None:
    if not user.calendar_secret:
        return None
    path = reverse("activities:calendar-feed", args=[user.calendar_secret])
    return request.build_absolute_uri(path) if request is not None else path
