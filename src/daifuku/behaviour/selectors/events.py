"""The settings an administrator edits, and a customer's latest page views."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max
from django.utils import timezone

from daifuku.accounts.permissions import can

from ..models import BehaviourSettings, Event, EventKind
from ..services.settings import current


def settings_for(user) -> BehaviourSettings | None:
    return current(fresh=True) if getattr(user, "is_admin", False) else None


def person_recent_events(user, person, limit: int = 10, *, checked: bool = False) -> list:
    """The customer's latest web events, for whoever may read the customer (``checked``:
    the caller, e.g. the person page, has already read the person through restrict())."""
    if not checked and not can(user, "view", person):
        return []
    return list(Event.objects.filter(person=person).order_by("-occurred_at")[:limit])


def viewed_products(person, *, days: int = 90) -> list[tuple[str, int]]:
    """``(product code, views)`` of the products the customer looked at on the site in the
    last ``days`` days, most viewed first (the person was already read by the caller)."""
    since = timezone.now() - dt.timedelta(days=days)
    return list(
        Event.objects.filter(person=person, kind=EventKind.PRODUCT_VIEW, occurred_at__gte=since)
        .exclude(sku="")
        .values("sku")
        .annotate(views=Count("id"), last=Max("occurred_at"))
        .order_by("-views", "-last", "sku")
        .values_list("sku", "views")
    )
