"""The numbers behind the order-based figures of :mod:`.figures`, from one of two sources
that give the same numbers:

* analytics' running totals (``analytics.selectors.figure_totals``) — a few hundred
  rows, whatever the number of orders: for a viewer who sees every customer, once the
  totals have been built;
* the viewer's own orders and returns read on the request (``ctx.rows``) — for anyone
  else, and before the first rebuild.

The drill-downs (a click, not the first render) always read the orders."""

from __future__ import annotations

import numpy as np

from daifuku.analytics.maths import cohorts as cohort_maths
from daifuku.analytics.maths.copurchase import CoPurchase, co_purchases
from daifuku.analytics.selectors import figure_totals

from .registry import Context


def from_totals(ctx: Context) -> bool:
    if "totals" not in ctx.cache:
        ctx.cache["totals"] = figure_totals.usable(ctx.user)
    return ctx.cache["totals"]


def _arrays(ctx: Context):
    customers, days, amounts, channels = ctx.rows.arrays()
    months = days.astype("datetime64[M]").astype(np.int64) if days.size else np.zeros(0, int)
    return customers, days, amounts, channels, months


def months(ctx: Context, first: int, last: int) -> dict[int, tuple[float, int, float, int]]:
    """Per month: (net revenue, orders, returns, buyers)."""
    if from_totals(ctx):
        found = figure_totals.months(first, last)
        empty = figure_totals.MonthFigures(0, 0, 0, 0)
        return {
            m: (float(f.revenue), f.orders, float(f.returns), f.buyers)
            for m in range(first, last + 1)
            for f in [found.get(m, empty)]
        }
    customers, _days, amounts, _channels, month_of = _arrays(ctx)
    result = {}
    for m in range(first, last + 1):
        in_month = month_of == m
        result[m] = (
            float(amounts[in_month].sum()),
            int((in_month & (amounts > 0)).sum()),
            float(-amounts[in_month & (amounts < 0)].sum()),
            int(np.unique(customers[in_month & (amounts > 0)]).size),
        )
    return result


def channels(ctx: Context, first: int) -> list[tuple[str, float, int, int]]:
    """Per channel name with rows from the month ``first`` on (sorted, "" last):
    (name, net revenue, orders, buyers)."""
    if from_totals(ctx):
        found = [
            (r["channel"], float(r["revenue"]), r["orders"], r["buyers"])
            for r in figure_totals.channels(first)
        ]
        return sorted(found, key=lambda r: (r[0] == "", r[0]))
    customers, _days, amounts, channels, month_of = _arrays(ctx)
    keep = month_of >= first
    customers, amounts = customers[keep], amounts[keep]
    channels = channels[keep] if channels.size else channels
    result = []
    for name in sorted({str(c) for c in channels.tolist()}, key=lambda c: (c == "", c)):
        mine = channels == name
        bought = mine & (amounts > 0)
        result.append(
            (
                name,
                float(amounts[mine].sum()),
                int(bought.sum()),
                int(np.unique(customers[bought]).size),
            )
        )
    return result


def cohorts(ctx: Context) -> cohort_maths.Cohorts:
    """The retention matrix by first-purchase month (revenue left empty)."""
    if not from_totals(ctx):
        customers, days, amounts, _channels, _months = _arrays(ctx)
        return cohort_maths.cohorts(customers, days, amounts)
    table = figure_totals.cohorts()
    if not table.months:
        empty = np.zeros((0, 0))
        return cohort_maths.Cohorts([], np.zeros(0, dtype=int), empty.astype(int), empty, empty)
    cohort_values = np.array(table.months, dtype=np.int64)
    width = table.active.shape[1]
    retention = table.active / table.sizes[:, None]
    reached = np.arange(width)[None, :] <= (table.last - cohort_values)[:, None]
    retention = np.where(reached, retention, np.nan)
    labels = [f"{1970 + m // 12:04d}-{m % 12 + 1:02d}" for m in table.months]
    return cohort_maths.Cohorts(
        labels, table.sizes, table.active, retention, np.zeros(table.active.shape)
    )


def second_purchase(
    ctx: Context, first: int, last: int, within_days: int, buyers_of
) -> dict[int, tuple[int, int]]:
    """Per first-purchase month: (first-time buyers, bought again within N days).
    ``buyers_of(ctx)``: the rows path's (keys, first day, has second, second day)."""
    if from_totals(ctx):
        return figure_totals.second_purchase(first, last, within_days)
    _keys, first_day, has_second, second = buyers_of(ctx)
    first_month = first_day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    converted = has_second & (second - first_day <= within_days)
    result = {}
    for m in range(first, last + 1):
        in_month = first_month == m
        result[m] = (int(in_month.sum()), int((in_month & converted).sum()))
    return result


def ltv_by_acquisition(ctx: Context, acquired_through) -> list[cohort_maths.GroupValue]:
    """LTV per acquisition channel name, sorted by name. ``acquired_through(ctx)``: the
    rows path's buyer → channel name."""
    if from_totals(ctx):
        groups: dict[str, list[int]] = {}
        for name, buyers, purchases, revenue in figure_totals.ltv_by_acquisition():
            cell = groups.setdefault(name, [0, 0, 0])
            cell[0] += buyers
            cell[1] += purchases
            cell[2] += revenue
        return [
            cohort_maths.GroupValue(name, b, p, float(r), float(r) / p, p / b)
            for name, (b, p, r) in sorted(groups.items())
        ]
    customers, days, amounts, _channels, _months = _arrays(ctx)
    return cohort_maths.ltv_by_group(customers, days, amounts, acquired_through(ctx))


def co_purchase_pairs(ctx: Context) -> CoPurchase:
    """Pairs of products in the same orders (pairs seen in one order only left out)."""
    if from_totals(ctx):
        found = figure_totals.co_purchases(min_together=2)
        if found is not None:
            return found
    from daifuku.commerce.selectors.facts import basket_rows

    order_ids, names = basket_rows(ctx.user)
    return co_purchases(order_ids, names, min_together=2)
