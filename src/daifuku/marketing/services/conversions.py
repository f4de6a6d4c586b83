"""Conversions: a purchase that follows a mail (成果).

An order of a person counts as the conversion of the **latest** delivery that person
opened or clicked within ``MailSettings.conversion_days`` before the order (both ends
included: an open exactly N days before counts); a privacy proxy's fetch (machine open)
does not make a conversion. An order is one delivery's conversion at most, recorded once
(``MailEvent(conversion)`` with the order and its revenue — the order's total, tax
included, as ordered), however often ``order.recorded`` reaches here.

For people who had bought exactly **once** when the mail was sent (first-time buyers, seed
003's main target), an order that is their second purchase is also marked
``second_purchase`` — the campaign's second-purchase conversions.

Recorded by the job ``attribute_order_task`` after ``order.recorded``; no audit entry
(the mail event is the record, and the order has its own history).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from daifuku.commerce.models import Order
from daifuku.commerce.models.orders import OrderStatus

from ..models import Delivery, MailEvent, MailEventKind, MailSettings

DEFAULT_DAYS = 7
NOT_COUNTED = (OrderStatus.CANCELLED, OrderStatus.RETURNED)


def conversion_days() -> int:
    days = (
        MailSettings.objects.filter(pk=MailSettings.SINGLETON_PK)
        .values_list("conversion_days", flat=True)
        .first()
    )
    return DEFAULT_DAYS if days is None else int(days)


def _orders_before(person_id: int, when: dt.datetime, *, excluding: int) -> int:
    return (
        Order.objects.filter(person_id=person_id, ordered_at__lt=when)
        .exclude(status__in=NOT_COUNTED)
        .exclude(pk=excluding)
        .count()
    )


def attribute_order(*, order_id: int, actor=None) -> MailEvent | None:
    """Record ``order_id`` as the conversion of the latest delivery its buyer opened or
    clicked within the window; None when no mail led to it (or it was recorded already,
    or the order is a company's, cancelled or gone)."""
    order = (
        Order.objects.filter(pk=order_id, person__isnull=False)
        .exclude(status__in=NOT_COUNTED)
        .values("pk", "person_id", "ordered_at", "total")
        .first()
    )
    if order is None:
        return None
    if MailEvent.objects.filter(kind=MailEventKind.CONVERSION, order_id=order_id).exists():
        return None
    ordered_at = order["ordered_at"]
    since = ordered_at - dt.timedelta(days=conversion_days())
    touch = (
        MailEvent.objects.filter(
            person_id=order["person_id"],
            kind__in=[MailEventKind.OPEN, MailEventKind.CLICK],
            at__gte=since,
            at__lte=ordered_at,
        )
        .order_by("-at", "-id")
        .values("delivery_id", "campaign_id", "kind")
        .first()
    )
    if touch is None:
        return None
    sent_at = (
        Delivery.objects.filter(pk=touch["delivery_id"]).values_list("sent_at", flat=True).first()
    )
    second = (
        sent_at is not None
        and _orders_before(order["person_id"], sent_at, excluding=order["pk"]) == 1
        and _orders_before(order["person_id"], ordered_at, excluding=order["pk"]) == 1
    )
    try:
        with transaction.atomic():
            return MailEvent.objects.create(
                delivery_id=touch["delivery_id"],
                campaign_id=touch["campaign_id"],
                person_id=order["person_id"],
                kind=MailEventKind.CONVERSION,
                at=ordered_at,
                order_id=order["pk"],
                revenue=order["total"],
                detail={"second_purchase": second, "after": touch["kind"]},
            )
    except IntegrityError:  # recorded meanwhile by another worker (once per order)
        return None
