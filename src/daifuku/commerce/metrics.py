"""Commerce's metrics for the KPI catalogue (``core.metrics``), registered in
``CommerceConfig.ready()``. Every figure is net of returns: a return lowers revenue on
the day it happens, an order wholly returned is not a purchase (analytics' netting rule)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from daifuku.core import metrics
from daifuku.core.metrics import Scope

from .selectors.facts import purchase_rows

SECOND_PURCHASE_DAYS = 90


def revenue(start: dt.date, end: dt.date, scope: Scope) -> int:
    """Net sales (tax included) in the period: orders minus returns."""
    return int(sum(purchase_rows(start=start, end=end, scope=scope).amount))


def _purchases(start, end, scope) -> dict[tuple[int, dt.date], int]:
    """Net amount per customer-day in the period (a purchase = a positive one)."""
    rows = purchase_rows(start=start, end=end, scope=scope)
    days: dict[tuple[int, dt.date], int] = {}
    for customer, day, amount in zip(rows.customer, rows.day, rows.amount, strict=True):
        days[(customer, day)] = days.get((customer, day), 0) + amount
    return days


def orders(start: dt.date, end: dt.date, scope: Scope) -> int:
    """Purchases in the period: customer-days with a positive net amount."""
    return sum(1 for amount in _purchases(start, end, scope).values() if amount > 0)


def average_order_value(start: dt.date, end: dt.date, scope: Scope) -> int | None:
    count = orders(start, end, scope)
    return round(revenue(start, end, scope) / count) if count else None


def _first_purchase(scope: Scope) -> dict[int, dt.date]:
    first: dict[int, dt.date] = {}
    for (customer, day), amount in sorted(_purchases(None, None, scope).items()):
        if amount > 0 and customer not in first:
            first[customer] = day
    return first


def new_customers(start: dt.date, end: dt.date, scope: Scope) -> int:
    """Customers whose first purchase ever falls in the period."""
    return sum(1 for day in _first_purchase(scope).values() if start <= day <= end)


def repeat_rate(start: dt.date, end: dt.date, scope: Scope) -> float | None:
    """Of the customers who bought in the period, the share who bought on two days or more."""
    counts: dict[int, int] = {}
    for (customer, _day), amount in _purchases(start, end, scope).items():
        if amount > 0:
            counts[customer] = counts.get(customer, 0) + 1
    return sum(1 for c in counts.values() if c >= 2) / len(counts) if counts else None


def second_purchase_conversion(start: dt.date, end: dt.date, scope: Scope) -> float | None:
    """Of the customers whose first purchase falls in the period, the share who bought
    again within 90 days of it."""
    days: dict[int, list[dt.date]] = {}
    for (customer, day), amount in sorted(_purchases(None, None, scope).items()):
        if amount > 0:
            days.setdefault(customer, []).append(day)
    firsts = [d for d in days.values() if start <= d[0] <= end]
    if not firsts:
        return None
    converted = sum(1 for d in firsts if len(d) > 1 and (d[1] - d[0]).days <= SECOND_PURCHASE_DAYS)
    return converted / len(firsts)


def register() -> None:
    metrics.register("commerce.revenue", _("Revenue"), revenue, unit="yen")
    metrics.register("commerce.orders", pgettext_lazy("count", "Orders"), orders)
    metrics.register(
        "commerce.average_order_value", _("Average order value"), average_order_value, unit="yen"
    )
    metrics.register("commerce.new_customers", _("New customers"), new_customers)
    metrics.register("commerce.repeat_rate", _("Repeat rate"), repeat_rate, unit="rate")
    metrics.register(
        "commerce.second_purchase_conversion",
        _("Second-purchase conversion (90 days)"),
        second_purchase_conversion,
        unit="rate",
    )
