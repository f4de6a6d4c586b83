"""Commerce's contributions to the customer's 360° page: orders and returns on the
person's and company's timeline, and the person's recent purchases panel."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import restrict_to_customer
from daifuku.core.audit import label_for
from daifuku.core.timeline import TimelineItem

from .maths import currency as currencies
from .models import Order, Return, ReturnKind
from .selectors import customer_orders


def yen(amount: int, code: str = currencies.HOME) -> str:
    """¥12,100 / −¥3,299 (the minus sign Japanese documents print); another currency
    by its code from its minor unit: USD 29.33 / −USD 5.00."""
    if code != currencies.HOME:
        shown = f"{code} {currencies.display(abs(amount), code)}"
        return shown if amount >= 0 else f"−{shown}"
    return f"¥{amount:,}" if amount >= 0 else f"−¥{-amount:,}"


def _field(customer) -> str:
    return "person" if label_for(customer) == "customers.person" else "company"


def order_title(order: Order) -> str:
    """「注文 A-1001 ¥12,100（2 点）」 (the total as ordered; returns are their own entries)."""
    if order.item_count:
        return _("Order %(number)s %(total)s (%(count)d items)") % {
            "number": order.number,
            "total": yen(order.total, order.currency),
            "count": order.item_count,
        }
    return _("Order %(number)s %(total)s") % {
        "number": order.number,
        "total": yen(order.total, order.currency),
    }


def return_title(ret: Return) -> str:
    """「注文 A-1001 の返品 −¥3,299（1 点）」 / 「注文 A-1001 のキャンセル −¥12,168」."""
    values = {
        "number": ret.order.number,
        "total": yen(ret.total, ret.order.currency),
        "count": ret.item_count,
    }
    if ret.kind == ReturnKind.CANCELLATION:
        if ret.item_count:
            return _("Cancellation of order %(number)s %(total)s (%(count)d items)") % values
        return _("Cancellation of order %(number)s %(total)s") % values
    if ret.item_count:
        return _("Return of order %(number)s %(total)s (%(count)d items)") % values
    return _("Return of order %(number)s %(total)s") % values


def _where(order: Order) -> str:
    return " · ".join(
        part for part in (order.channel.name if order.channel_id else "", order.store) if part
    )


def customer_orders_source(*, subject, user, before, limit) -> list[TimelineItem]:
    """The customer's orders (at the time ordered) and returns (at the time returned)."""
    orders = restrict_to_customer(Order.objects.all(), user, subject, field=_field(subject))
    order_qs = orders.select_related("channel")
    return_qs = Return.objects.filter(order__in=orders.values("pk")).select_related("order")
    if before is not None:
        order_qs = order_qs.filter(ordered_at__lt=before)
        return_qs = return_qs.filter(returned_at__lt=before)
    items = [
        TimelineItem(
            at=order.ordered_at,
            kind="order",
            title=order_title(order),
            body=_where(order),
            sort_id=order.pk,
        )
        for order in order_qs.order_by("-ordered_at", "-id")[:limit]
    ]
    items += [
        TimelineItem(
            at=ret.returned_at,
            kind="order",
            title=return_title(ret),
            body=ret.reason,
            sort_id=ret.pk,
        )
        for ret in return_qs.order_by("-returned_at", "-id")[:limit]
    ]
    # one stream, newest first (core.timeline merges the sources' streams as they come)
    items.sort(key=lambda item: (item.at, item.sort_id), reverse=True)
    return items[:limit]


def person_orders_panel(request, person) -> dict:
    """The person's five newest orders, how many orders in all and their sum net of returns."""
    recent, totals = customer_orders(request.user, person, field="person")
    rows = [
        {
            "number": o.number,
            "url": reverse("commerce:order", args=[o.pk]),
            "date": date_format(localtime(o.ordered_at), "Y年n月j日"),
            "where": _where(o),
            "total": yen(o.net_total, o.currency),
            "returned": o.net_total != o.total,
            "status": o.get_status_display(),
            "items": o.item_count,
        }
        for o in recent
    ]
    return {
        "orders": rows,
        "order_count": totals["count"],
        "order_sum": yen(totals["net_total"]),
        "all_url": reverse("commerce:orders") + f"?person={person.pk}",
    }
