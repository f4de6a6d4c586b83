"""Reading the analytics area's running totals (``FigureTotal``; what each kind means:
:mod:`daifuku.analytics.maths.figure_parts`). A handful of grouped queries over a few
hundred rows, whatever the number of orders.

The totals cover every customer in the ledger, so they answer only a viewer who sees
every customer (:func:`usable`); anyone else — and everybody before the first rebuild —
gets the figures computed from the orders they may see, as before."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db.models import Max, Sum

from daifuku.accounts.permissions import restrict
from daifuku.commerce.models import Channel, Product
from daifuku.customers.models import Company, Person

from ..maths import figure_parts as kinds
from ..maths.cohorts import RetentionWhatIf, what_if_of
from ..maths.copurchase import CoPurchase, from_counts
from ..models import FigurePart, FigureTotal

BUILT = "built"


def sees_every_customer(user) -> bool:
    """Whether the ledger's read rules give ``user`` every person and company (the same
    query as no rule at all): then the business-wide totals are what they may see."""
    for model in (Person, Company):
        everyone = model.objects.all()
        try:
            if str(restrict(everyone, user).query) != str(everyone.query):
                return False
        except EmptyResultSet:  # nothing at all (a user switched off)
            return False
    return True


def usable(user) -> bool:
    return FigureTotal.objects.filter(kind=BUILT).exists() and sees_every_customer(user)


def _names() -> dict[int, str]:
    return {0: "", **dict(Channel.objects.values_list("pk", "name"))}


@dataclass(frozen=True)
class MonthFigures:
    revenue: int
    orders: int
    returns: int
    buyers: int


def months(first: int, last: int) -> dict[int, MonthFigures]:
    """Per month (counted from 1970-01) between the two: net revenue, orders, returns,
    buyers."""
    rows = FigureTotal.objects.filter(kind=kinds.MONTH, a__gte=first, a__lte=last)
    return {
        a: MonthFigures(v1, n1, v2, n2)
        for a, n1, n2, v1, v2 in rows.values_list("a", "n1", "n2", "v1", "v2")
    }


def channels(first: int) -> list[dict]:
    """Per channel name with orders or returns from the month ``first`` on: net revenue,
    orders and the buyers who ordered through it since then."""
    names = _names()
    found = (
        FigureTotal.objects.filter(kind=kinds.CHANNEL, a__gte=first)
        .values("b")
        .annotate(orders=Sum("n1"), rows=Sum("n2"), revenue=Sum("v1"))
        .order_by()
    )
    buyers = dict(
        FigureTotal.objects.filter(kind=kinds.CHANNEL_LAST, a__gte=first)
        .values("b")
        .annotate(n=Sum("n1"))
        .order_by()
        .values_list("b", "n")
    )
    return [
        {
            "channel": names.get(row["b"], ""),
            "revenue": int(row["revenue"] or 0),
            "orders": int(row["orders"] or 0),
            "buyers": int(buyers.get(row["b"], 0) or 0),
        }
        for row in found
        if row["rows"]
    ]


@dataclass(frozen=True)
class CohortTable:
    """``months``: cohorts (first-purchase months, ascending) with buyers; ``sizes``;
    ``active[i, k]`` buyers of cohort i buying in its month k; ``last``: the latest
    month any buyer's orders or returns reach."""

    months: list[int]
    sizes: np.ndarray
    active: np.ndarray
    last: int


def cohorts() -> CohortTable:
    sizes = dict(
        FigureTotal.objects.filter(kind=kinds.COHORT_SIZE, n1__gt=0).values_list("a", "n1")
    )
    if not sizes:
        return CohortTable([], np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.int64), 0)
    last = FigureTotal.objects.filter(kind=kinds.LAST, n1__gt=0).aggregate(m=Max("a"))["m"]
    found = sorted(sizes)
    width = int(last) - found[0] + 1
    row = {m: i for i, m in enumerate(found)}
    active = np.zeros((len(found), width), dtype=np.int64)
    for a, b, n in FigureTotal.objects.filter(kind=kinds.COHORT, n1__gt=0).values_list(
        "a", "b", "n1"
    ):
        if a in row and b < width:
            active[row[a], b] = n
    return CohortTable(found, np.array([sizes[m] for m in found]), active, int(last))


def second_purchase(first: int, last: int, within_days: int) -> dict[int, tuple[int, int]]:
    """Per first-purchase month: (first-time buyers, who bought again within N days)."""
    result: dict[int, list[int]] = {}
    rows = FigureTotal.objects.filter(kind=kinds.SECOND, a__gte=first, a__lte=last)
    for a, b, n in rows.values_list("a", "b", "n1"):
        cell = result.setdefault(a, [0, 0])
        cell[0] += n
        if 0 <= b <= within_days:
            cell[1] += n
    return {a: (v[0], v[1]) for a, v in result.items()}


def ltv_by_acquisition() -> list[tuple[str, int, int, int]]:
    """``(channel name of the first order, buyers, purchases, net revenue)``, buyers only."""
    names = _names()
    rows = FigureTotal.objects.filter(kind=kinds.LTV, n1__gt=0).values_list("b", "n1", "n2", "v1")
    return [(names.get(b, ""), n1, n2, v1) for b, n1, n2, v1 in rows]


def whatif_usable(today: dt.date) -> bool:
    """The what-if's totals are by month; a counting order dated after today would fall
    into this month's cell, so then the figure is computed from the orders."""
    last = FigureTotal.objects.filter(kind=kinds.WHATIF_LAST, n1__gt=0).aggregate(d=Max("b"))["d"]
    return last is None or last <= np.datetime64(today, "D").astype(np.int64)


def whatif_rows(first: int, last: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per buyer and month between the two (counting orders): customer keys, months,
    purchases, net amounts."""
    rows = list(
        FigurePart.objects.filter(kind=kinds.WHATIF, a__gte=first, a__lte=last).values_list(
            "customer", "a", "n1", "v1"
        )
    )
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    customer, month, purchases, amount = (
        np.array(c, dtype=np.int64) for c in zip(*rows, strict=True)
    )
    return customer, month, purchases, amount


def _month_of(day: dt.date) -> int:
    return (day.year - 1970) * 12 + day.month - 1


def _is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def retention_what_if(
    previous: tuple[dt.date, dt.date], current: tuple[dt.date, dt.date], points: float
) -> RetentionWhatIf | None:
    """The 5:25 what-if of ``analytics.maths.cohorts.retention_what_if`` from the monthly
    parts, when the periods are whole months (the current one may end on a day no
    counting order comes after); None otherwise. Counting orders are never negative, so
    a customer's purchases in the periods do not depend on orders after them."""
    (p_lo, p_hi), (c_lo, c_hi) = previous, current
    if p_lo.day != 1 or c_lo.day != 1 or not _is_month_end(p_hi):
        return None
    if p_hi + dt.timedelta(days=1) != c_lo:
        return None
    if not _is_month_end(c_hi) and not whatif_usable(c_hi):
        return None
    customer, month, purchases, amount = whatif_rows(_month_of(p_lo), _month_of(c_hi))
    in_current = month >= _month_of(c_lo)
    ids, of = np.unique(customer, return_inverse=True)

    def bought(mask):
        return np.bincount(of[mask & (purchases > 0)], minlength=ids.size) > 0

    before, now = bought(~in_current), bought(in_current)
    of_retained = in_current & (before & now)[of]
    return what_if_of(
        before,
        now,
        current_revenue=float(amount[in_current].sum()),
        retained_revenue=float(amount[of_retained].sum()),
        retained_purchases=int(purchases[of_retained].sum()),
        points=points,
    )


def co_purchases(min_together: int = 2) -> CoPurchase | None:
    """``analytics.maths.copurchase.co_purchases`` over the orders that count, from the
    totals; None when two products share a name (the figure pairs names, so their
    orders would have to be merged: computed from the orders then)."""
    orders = FigureTotal.objects.filter(kind=kinds.BASKET).aggregate(n=Sum("n1"))["n"] or 0
    counts = dict(
        FigureTotal.objects.filter(kind=kinds.BASKET_PRODUCT, n1__gt=0).values_list("a", "n1")
    )
    if not orders or not counts:
        return CoPurchase(0, {}, [])
    names = dict(Product.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    if len(set(names.values())) != len(counts):
        return None
    product_ids = np.array(sorted(names.values()))
    index = {pk: int(np.searchsorted(product_ids, name)) for pk, name in names.items()}
    pairs = FigureTotal.objects.filter(kind=kinds.BASKET_PAIR, n1__gte=min_together)
    found = [(index[a], index[b], n) for a, b, n in pairs.values_list("a", "b", "n1")]
    a = np.array([min(x, y) for x, y, _n in found], dtype=np.int64)
    b = np.array([max(x, y) for x, y, _n in found], dtype=np.int64)
    together = np.array([n for _x, _y, n in found], dtype=np.int64)
    count = np.zeros(product_ids.size, dtype=np.int64)
    for pk, n in counts.items():
        count[index[pk]] = n
    return from_counts(orders, product_ids, count, a, b, together, min_together=min_together)
