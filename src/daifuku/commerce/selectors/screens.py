"""What the order screens read: the order list with its filters (period, channel,
customer), narrowed to the orders of the customers the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from daifuku.core.pagination import Page, keyset_page
from daifuku.customers.validation import clean_member_number

from .orders import ORDERING, orders_queryset


@dataclass
class OrderFilters:
    """The order list's filters as the user set them (``None``/"" = not set)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    channel_id: int | None = None
    customer: str = ""  # a member number, or part of the customer's name
    person_id: int | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def filtered_orders(
    user, filters: OrderFilters, *, cursor: str | None = None, size: int = 25
) -> Page:
    """Newest first, the orders ``user`` may see that pass ``filters``."""
    qs = orders_queryset(user).select_related("channel", "person", "company")
    if filters.date_from:
        qs = qs.filter(ordered_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(ordered_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.channel_id:
        qs = qs.filter(channel_id=filters.channel_id)
    if filters.person_id:
        qs = qs.filter(person_id=filters.person_id)
    text = filters.customer.strip()
    if text:
        number = clean_member_number(text)
        qs = qs.filter(
            Q(person__member_number=number)
            | Q(person__family_name__contains=text)
            | Q(company__name__contains=text)
            | Q(number=text)
        )
    return keyset_page(qs, ORDERING, cursor=cursor, size=size)
