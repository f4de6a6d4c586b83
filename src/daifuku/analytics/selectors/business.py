"""Business-level figures (経営指標) from commerce's orders, net of returns.

Each figure reads the orders once as numpy columns (:mod:`.orders`) and hands them to the
pure maths (:mod:`daifuku.analytics.maths.cohorts`): cohorts and revenue by first-purchase
month, second-purchase conversion, repeat and churn rates, LTV by acquisition channel
and by route (average order value × average purchase count of the group), revenue by
route and by product, the 5:25 retention what-if and up-sell paths. Money is integer yen
tax included unless a field says ``before_tax``. Only business readers may ask
(:mod:`..permissions`); the orders read are those the reader may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import restrict
from daifuku.commerce import selectors as commerce_selectors
from daifuku.commerce.models import OrderLine, ReturnLine
from daifuku.customers.models import Person
from daifuku.customers.models.people import SourceChannel

from ..maths import cohorts as maths
from ..permissions import ensure_business_reader
from . import figure_totals
from .orders import Transactions, counting_orders, end_of_day, transactions

BY_ROUTE, BY_PRODUCT, BY_ACQUISITION, BY_FIRST_ROUTE = (
    "route",
    "product",
    "acquisition",
    "first_route",
)


def _today() -> dt.date:
    return timezone.localdate()


def _yen(value: float) -> int:
    return int(round(float(value)))


def _rate(rate: maths.Rate) -> dict[str, Any]:
    return {"base": rate.base, "count": rate.count, "rate": rate.rate}


def _read(user, until: dt.date | None = None) -> Transactions:
    ensure_business_reader(user)
    return transactions(user, until=until)


# --- cohorts ------------------------------------------------------------------------------


def cohorts(user, *, first: str | None = None, last: str | None = None) -> list[dict[str, Any]]:
    """Customers grouped by the month of their first purchase (``"YYYY-MM"``, between
    ``first`` and ``last`` inclusive when given): the cohort's size, the share of it
    buying in month 0, 1, 2 … after (``retention``, up to the current month) and its
    revenue in each of those months (``revenue``, returns deducted)."""
    today = _today()
    rows = _read(user, today)
    table = maths.cohorts(rows.customer, rows.day, rows.amount, period="month")
    this_month = today.year * 12 + today.month - 1
    result = []
    for i, label in enumerate(table.labels):
        if (first and label < first) or (last and label > last):
            continue
        reached = ~np.isnan(table.retention[i])
        # the months since the last order of the business have begun too: nobody bought
        months = this_month - (int(label[:4]) * 12 + int(label[5:]) - 1) + 1
        pad = [0] * max(0, months - int(reached.sum()))
        result.append(
            {
                "cohort": label,
                "size": int(table.sizes[i]),
                "retention": [round(float(v), 6) for v in table.retention[i][reached]] + pad,
                "active": [int(v) for v in table.active[i][reached]] + pad,
                "revenue": [_yen(v) for v in table.revenue[i][reached]] + pad,
            }
        )
    return result


# --- conversion, repeat, churn --------------------------------------------------------------


def second_purchase(
    user, *, within_days: int, first_from: dt.date, first_to: dt.date
) -> dict[str, Any]:
    """Of the customers whose first purchase falls between the two days, how many bought a
    second time within ``within_days`` days of the first (seed 003's 2回目購入率)."""
    rows = _read(user)
    rate = maths.second_purchase_conversion(
        rows.customer,
        rows.day,
        rows.amount,
        first_from=first_from,
        first_to=first_to,
        within_days=within_days,
    )
    return {"first_buyers": rate.base, "converted": rate.count, "rate": rate.rate}


def repeat_rate(user, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """Share of the customers who ever bought (up to ``as_of``) who bought on two days or more."""
    as_of = as_of or _today()
    rows = _read(user, as_of)
    rate = maths.repeat_rate(rows.customer, rows.day, rows.amount)
    return {"as_of": as_of, "buyers": rate.base, "repeat_buyers": rate.count, "rate": rate.rate}


def churn_rate(user, *, as_of: dt.date | None = None, window_days: int = 365) -> dict[str, Any]:
    """Of the customers who bought in the window before the last one (``window_days`` days
    each, the last ending on ``as_of``), the share who did not buy again in the last one."""
    as_of = as_of or _today()
    rows = _read(user, as_of)
    last_from = as_of - dt.timedelta(days=window_days - 1)
    before_from = last_from - dt.timedelta(days=window_days)
    buying = rows.amount > 0
    day = rows.day
    lo_prev, lo_last = np.datetime64(before_from, "D"), np.datetime64(last_from, "D")
    previous = set(rows.customer[buying & (day >= lo_prev) & (day < lo_last)].tolist())
    recent = set(rows.customer[buying & (day >= lo_last)].tolist())
    lost = len(previous - recent)
    return {
        "as_of": as_of,
        "window_days": window_days,
        "previous_buyers": len(previous),
        "churned": lost,
        "rate": lost / len(previous) if previous else None,
    }


# --- LTV and revenue by group ---------------------------------------------------------------


def _channel_names(user) -> dict[int, str]:
    return {c.pk: c.name for c in commerce_selectors.channels(user)}


def _group_rows(groups: list[maths.GroupValue], names: dict, *, none: str) -> list[dict[str, Any]]:
    """``none``: the label of the customers without a group (no route, no 流入経路)."""
    return [
        {
            "group": names.get(g.group, g.group) if g.group else none,
            "key": g.group,
            "buyers": g.buyers,
            "purchases": g.purchases,
            "revenue": _yen(g.revenue),
            "average_order_value": _yen(g.average_order_value),
            "purchases_per_buyer": round(g.purchases_per_buyer, 4),
            "ltv": _yen(g.ltv),
        }
        for g in sorted(groups, key=lambda g: (-g.ltv, g.group))
    ]


def ltv_by(user, *, by: str = BY_ACQUISITION, as_of: dt.date | None = None) -> list[dict]:
    """LTV per group, seed 004's formula: average order value × average purchases per
    buyer of the group (a purchase = a buying day). Groups: ``acquisition`` — how the
    person came to us (台帳の流入経路; companies and people without one in ``""``);
    ``first_route`` — the route of their first order; ``route`` — each route on its own
    (a customer who bought in the shop and online counts in both, with the purchases of
    each). Sorted by LTV, highest first."""
    rows = _read(user, as_of or _today())
    if by == BY_ROUTE:
        names = {str(k): v for k, v in _channel_names(user).items()}
        result: list[maths.GroupValue] = []
        for channel in np.unique(rows.channel).tolist():
            mine = rows.channel == channel
            key = str(channel) if channel else ""
            members = {int(c): key for c in np.unique(rows.customer[mine]).tolist()}
            result += maths.ltv_by_group(
                rows.customer[mine], rows.day[mine], rows.amount[mine], members
            )
        return _group_rows(result, names, none=_("No sales channel"))
    if by == BY_FIRST_ROUTE:
        order = np.lexsort((rows.order, rows.day, rows.customer))
        customer, channel = rows.customer[order], rows.channel[order]
        starts = np.flatnonzero(np.r_[True, customer[1:] != customer[:-1]])
        groups = {
            int(c): (str(ch) if ch else "")
            for c, ch in zip(customer[starts], channel[starts], strict=True)
        }
        names = {str(k): v for k, v in _channel_names(user).items()}
        groups_of = maths.ltv_by_group(rows.customer, rows.day, rows.amount, groups)
        return _group_rows(groups_of, names, none=_("No sales channel"))
    if by == BY_ACQUISITION:
        groups = dict(
            restrict(Person.objects.exclude(source_channel=""), user)
            .order_by()
            .values_list("pk", "source_channel")
        )
        names = {str(value): str(label) for value, label in SourceChannel.choices}
        by_source = maths.ltv_by_group(rows.customer, rows.day, rows.amount, groups)
        return _group_rows(by_source, names, none=_("Not recorded (and companies)"))
    raise ValueError(by)


def revenue_by(user, *, by: str = BY_ROUTE, start: dt.date, end: dt.date) -> list[dict]:
    """Revenue between two days (inclusive), returns deducted. ``route``: orders and
    revenue (tax included and before tax) per sales route; ``product``: quantity and
    revenue before tax per catalog product (lines without a product: one "other" row).
    Highest revenue first."""
    ensure_business_reader(user)
    orders = counting_orders(user).filter(
        ordered_at__gte=end_of_day(start - dt.timedelta(days=1)), ordered_at__lt=end_of_day(end)
    )
    if by == BY_ROUTE:
        names = _channel_names(user)
        rows = (
            orders.order_by()
            .values("channel_id")
            .annotate(revenue=Sum("net_total"), before_tax=Sum("net_subtotal"), orders=Count("pk"))
        )
        result = [
            {
                "key": row["channel_id"],
                "group": names.get(row["channel_id"], "")
                if row["channel_id"]
                else _("No sales channel"),
                "orders": row["orders"],
                "revenue": row["revenue"] or 0,
                "revenue_before_tax": row["before_tax"] or 0,
            }
            for row in rows
        ]
        return sorted(result, key=lambda r: (-r["revenue"], r["group"]))
    if by == BY_PRODUCT:
        return _revenue_by_product(orders)
    raise ValueError(by)


def _revenue_by_product(orders) -> list[dict]:
    scope = orders.values("pk")
    sold = (
        OrderLine.objects.filter(order__in=scope)
        .order_by()
        .values("product_id", "product__code", "product__name")
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"))
    )
    back = dict(
        (r["product_id"], (r["quantity"], r["amount"]))
        for r in ReturnLine.objects.filter(order_line__order__in=scope)
        .order_by()
        .values(product_id=F("order_line__product_id"))
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"))
    )
    result = []
    for row in sold:
        returned_quantity, returned_amount = back.get(row["product_id"], (0, 0))
        result.append(
            {
                "key": row["product_id"],
                "code": row["product__code"] or "",
                "group": row["product__name"] or _("Other items (no catalog product)"),
                "quantity": (row["quantity"] or 0) - (returned_quantity or 0),
                # return lines carry negative amounts
                "revenue_before_tax": (row["amount"] or 0) + (returned_amount or 0),
            }
        )
    return sorted(result, key=lambda r: (-r["revenue_before_tax"], r["code"], r["group"]))


# --- the 5:25 what-if -----------------------------------------------------------------------


def retention_what_if(
    user, *, previous: tuple[dt.date, dt.date], current: tuple[dt.date, dt.date], points: float = 5
) -> dict[str, Any]:
    """Seed 004's 5:25 rule on this business's own data: the retention from the previous
    period to the current one, what a retained customer spends, the next period's revenue
    from returning customers as things are, and with ``points`` more retention."""
    ensure_business_reader(user)
    what = (
        figure_totals.retention_what_if(previous, current, points)
        if figure_totals.usable(user)
        else None
    )
    if what is None:  # not whole months, or a viewer the running totals do not answer
        rows = _read(user, current[1])
        what = maths.retention_what_if(
            rows.customer, rows.day, rows.amount, previous=previous, current=current, points=points
        )
    return {
        "previous": {"start": previous[0], "end": previous[1], "buyers": what.previous_buyers},
        "current": {
            "start": current[0],
            "end": current[1],
            "buyers": what.current_buyers,
            "revenue": _yen(what.current_revenue),
        },
        "retained": what.retained,
        "retention": what.retention,
        "average_order_value": _yen(what.average_order_value),
        "purchases_per_retained": round(what.purchases_per_retained, 4),
        "points": what.points,
        "projected_revenue": _yen(what.projected),
        "projected_revenue_with_points": _yen(what.projected_with_points),
        "gain": _yen(what.gain),
        "gain_share_of_current_revenue": what.gain_share_of_current_revenue,
    }
