"""Customer figures computed from the orders: the one computation behind the snapshot
(both its write paths, :mod:`.services.metrics`) and the figures as of a past day (the
metrics API, :mod:`.selectors.metrics`). Reads only; building rows does not save them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.utils import timezone

from daifuku.commerce.models import Order, Return

from .maths import metrics as maths
from .maths import scales
from .models import BuyerType, CustomerMetrics, RankRule, RFMScale

RISKS = {
    maths.RISK_NONE: "",
    maths.RISK_LOW: "low",
    maths.RISK_MEDIUM: "medium",
    maths.RISK_HIGH: "high",
}


def utc_offset() -> int:
    """The site's offset from UTC in seconds (Japan: fixed, +9 h)."""
    offset = timezone.localtime(timezone.now()).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def _epoch(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"FLOOR(EXTRACT(EPOCH FROM {column}))::bigint"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


@dataclass
class Purchases:
    """Every order of one kind of customer: (customer id, epoch seconds, net yen)."""

    customers: np.ndarray
    seconds: np.ndarray
    amounts: np.ndarray


def load_orders(
    entity: str, *, customer_id: int | None = None, until: dt.datetime | None = None
) -> Purchases:
    """The orders of people or companies (one of them with ``customer_id``), net of
    returns; with ``until``, only orders and returns before that moment (figures as of
    a past day)."""
    table = Order._meta.db_table
    column = f"{entity}_id"
    where = [f"o.{column} IS NOT NULL"]
    params: list = []
    amount = "o.net_total"
    if until is not None:
        amount = (
            f"o.total + COALESCE((SELECT SUM(r.total) FROM {Return._meta.db_table} r "
            "WHERE r.order_id = o.id AND r.returned_at < %s), 0)"
        )
        params.append(until)
        where.append("o.ordered_at < %s")
    if customer_id is not None:
        where.append(f"o.{column} = %s")
    sql = f"SELECT o.{column}, {_epoch('o.ordered_at')}, {amount} FROM {table} o WHERE {' AND '.join(where)}"
    if until is not None:
        params.append(until)
    if customer_id is not None:
        params.append(customer_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return Purchases(empty, empty, empty)
    data = np.array(found, dtype=np.int64)
    return Purchases(data[:, 0], data[:, 1], data[:, 2])


@dataclass
class Computed:
    """Everything the snapshot holds for a set of customers (ascending ids)."""

    ids: np.ndarray  # every customer with an order, bought or not
    figures: maths.Figures
    rfm: tuple[np.ndarray, np.ndarray, np.ndarray]  # aligned with figures.customers
    rank: np.ndarray  # aligned with ids: rule pk or 0


def compute(
    entity: str, purchases: Purchases, *, as_of: dt.date, scale: RFMScale, rules
) -> Computed:
    offset = utc_offset()
    as_of_day = maths.day_number(as_of)
    fig = maths.figures(
        purchases.customers,
        purchases.seconds,
        purchases.amounts,
        as_of_day=as_of_day,
        utc_offset_seconds=offset,
    )
    rfm = (
        scales.score(fig.recency_days, scale.recency_cuts, higher_is_better=False),
        scales.score(fig.order_count, scale.frequency_cuts),
        scales.score(fig.total, scale.monetary_cuts),
    )
    ids = np.unique(purchases.customers)
    windows = {}
    for months in {0, *(rule.period_months for rule in rules)}:
        since = None if months == 0 else maths.day_number(maths.months_before(as_of, months))
        windows[months] = maths.window_totals(
            purchases.customers,
            purchases.seconds,
            purchases.amounts,
            ids,
            since_day=since,
            utc_offset_seconds=offset,
        )
    return Computed(ids, fig, rfm, maths.ranks(rules, windows, ids.size))


def _moment(seconds: int) -> dt.datetime | None:
    return None if seconds < 0 else dt.datetime.fromtimestamp(int(seconds), tz=dt.UTC)


def rows(entity: str, computed: Computed, *, as_of: dt.date) -> list[CustomerMetrics]:
    """Snapshot rows (unsaved) for every customer of ``computed``."""
    fig = computed.figures
    now = timezone.now()
    bought = {int(pk): i for i, pk in enumerate(fig.customers)}
    aov, ltv = fig.average_order_value, fig.ltv
    result = []
    for index, pk in enumerate(computed.ids.tolist()):
        row = CustomerMetrics(**{f"{entity}_id": pk}, as_of=as_of, updated_at=now)
        row.rank_id = int(computed.rank[index]) or None
        i = bought.get(pk)
        if i is not None:
            count = int(fig.order_count[i])
            row.order_count = count
            row.total = int(fig.total[i])
            row.average_order_value = int(aov[i])
            row.ltv = int(ltv[i])
            row.first_order_at = _moment(fig.first_at[i])
            row.second_order_at = _moment(fig.second_at[i])
            row.last_order_at = _moment(fig.last_at[i])
            row.recency_days = int(fig.recency_days[i])
            row.days_to_second = int(fig.days_to_second[i]) if count > 1 else None
            row.buyer_type = BuyerType.REPEAT if count > 1 else BuyerType.FIRST
            row.churn_risk = RISKS[int(fig.churn_risk[i])]
            row.rfm_r, row.rfm_f, row.rfm_m = (int(s[i]) for s in computed.rfm)
        result.append(row)
    return result


def active_rules() -> list[maths.Rule]:
    """The rank rules in force, as numbers."""
    # plain tuples: this runs in every order's transaction
    return [
        maths.Rule(*row)
        for row in RankRule.objects.filter(is_active=True).values_list(
            "pk", "min_purchases", "min_amount", "period_months", "priority"
        )
    ]


def scale_of(entity: str) -> RFMScale:
    """The RFM cut points of people or companies (unsaved and empty before any rebuild)."""
    return RFMScale.objects.filter(entity=entity).first() or RFMScale(entity=entity)
