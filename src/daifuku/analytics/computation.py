"""Customer figures computed from the orders: the one computation behind the snapshot
(both its write paths, :mod:`.services.metrics`) and the figures as of a past day (the
metrics API, :mod:`.selectors.metrics`). Reads only; building rows does not save them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.utils import timezone

from daifuku.commerce.maths.currency import HOME
from daifuku.commerce.models import Order, Return

from .maths import metrics as maths
from .maths import scales
from .models import BuyerType, CustomerMetrics, RankRule, RFMScale

FETCH_ROWS = 100_000
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
    entity: str,
    *,
    customer_id: int | None = None,
    until: dt.datetime | None = None,
    customer_ids: list[int] | None = None,
) -> Purchases:
    """The orders of people or companies (one of them with ``customer_id``, some of them
    with ``customer_ids``), net of returns; with ``until``, only orders and returns before
    that moment (figures as of a past day)."""
    table = Order._meta.db_table
    column = f"{entity}_id"
    # money figures count the orders in yen only (docs/analytics.md, "Currencies")
    where = [f"o.{column} IS NOT NULL", f"o.currency = '{HOME}'"]
    params: list = []
    amount = "o.net_total"
    # raw SQL: the moment as the backend stores it (SQLite keeps naive UTC text; an aware
    # datetime would compare as "…+09:00" text and be wrong for nine hours a day)
    moment = connection.ops.adapt_datetimefield_value(until) if until is not None else None
    if until is not None:
        amount = (
            f"o.total + COALESCE((SELECT SUM(r.total) FROM {Return._meta.db_table} r "
            "WHERE r.order_id = o.id AND r.returned_at < %s), 0)"
        )
        params.append(moment)
        where.append("o.ordered_at < %s")
    if customer_id is not None:
        where.append(f"o.{column} = %s")
    if customer_ids is not None:  # ids from the caller's batch: integers only
        where.append(f"o.{column} IN ({', '.join(str(int(pk)) for pk in customer_ids) or 'NULL'})")
    sql = f"SELECT o.{column}, {_epoch('o.ordered_at')}, {amount} FROM {table} o WHERE {' AND '.join(where)}"
    if until is not None:
        params.append(moment)
    if customer_id is not None:
        params.append(customer_id)
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # in slices: ten million rows as Python tuples at once would take gigabytes
        while chunk := cursor.fetchmany(FETCH_ROWS):
            parts.append(np.array(chunk, dtype=np.int64))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Purchases(empty, empty, empty)
    data = np.concatenate(parts) if len(parts) > 1 else parts[0]
    return Purchases(data[:, 0].copy(), data[:, 1].copy(), data[:, 2].copy())


@dataclass
class Computed:
    """Everything the snapshot holds for a set of customers (ascending ids)."""

    ids: np.ndarray  # every customer with an order, bought or not
    figures: maths.Figures
    rfm: tuple[np.ndarray, np.ndarray, np.ndarray]  # aligned with figures.customers
    rank: np.ndarray  # aligned with ids: rule pk or 0


def figures_of(purchases: Purchases, *, as_of: dt.date) -> maths.Figures:
    return maths.figures(
        purchases.customers,
        purchases.seconds,
        purchases.amounts,
        as_of_day=maths.day_number(as_of),
        utc_offset_seconds=utc_offset(),
    )


def compute(
    entity: str,
    purchases: Purchases,
    *,
    as_of: dt.date,
    scale: RFMScale,
    rules,
    figures: maths.Figures | None = None,
) -> Computed:
    """Figures, RFM scores against ``scale``'s cut points and ranks of every customer of
    ``purchases`` (``figures`` when the caller computed them already)."""
    offset = utc_offset()
    fig = figures if figures is not None else figures_of(purchases, as_of=as_of)
    ids = np.unique(purchases.customers)
    windows = {}
    for months in periods(rules):
        since = since_day(as_of, months)
        windows[months] = maths.window_totals(
            purchases.customers,
            purchases.seconds,
            purchases.amounts,
            ids,
            since_day=since,
            utc_offset_seconds=offset,
        )
    return scored(ids, fig, windows, scale=scale, rules=rules)


def periods(rules) -> set[int]:
    """The windows (months; 0 = all time) the rank rules count purchases over."""
    return {0, *(rule.period_months for rule in rules)}


def since_day(as_of: dt.date, months: int) -> int | None:
    return None if months == 0 else maths.day_number(maths.months_before(as_of, months))


def scored(
    ids: np.ndarray, fig: maths.Figures, windows: dict, *, scale: RFMScale, rules
) -> Computed:
    """RFM scores against ``scale``'s cut points and the rank of every customer of ``ids``
    from their figures and their purchases per rank window."""
    rfm = (
        scales.score(fig.recency_days, scale.recency_cuts, higher_is_better=False),
        scales.score(fig.order_count, scale.frequency_cuts),
        scales.score(fig.total, scale.monetary_cuts),
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


# The snapshot's columns as the writer sends them (never predicted_clv / p_alive: the CLV
# job owns those, and an upsert keeps them).
WRITTEN = (
    "as_of",
    "first_order_at",
    "second_order_at",
    "last_order_at",
    "order_count",
    "total",
    "average_order_value",
    "ltv",
    "recency_days",
    "days_to_second",
    "buyer_type",
    "churn_risk",
    "rfm_r",
    "rfm_f",
    "rfm_m",
    "rank_id",
    "updated_at",
)
RISK_CODES = np.array(["", "low", "medium", "high"], dtype=object)


def _timestamps(seconds: np.ndarray, vendor: str) -> list:
    """Epoch seconds as the database's UTC timestamp literals (-1 → NULL)."""
    text = np.datetime_as_string(np.maximum(seconds, 0).astype("datetime64[s]"), unit="s")
    text = np.char.replace(text, "T", " ")
    if vendor == "postgresql":
        text = np.char.add(text, "+00:00")
    return [None if s < 0 else t for s, t in zip(seconds.tolist(), text.tolist(), strict=True)]


def table(computed: Computed, *, as_of: dt.date, vendor: str) -> list[tuple]:
    """Every customer of ``computed`` as a tuple ``(customer id, *WRITTEN)``, built column
    by column with numpy (no model instance per row: the rebuild writes a million)."""
    fig = computed.figures
    n = computed.ids.size
    if n == 0:
        return []
    at = np.searchsorted(computed.ids, fig.customers)

    def column(values, fill, dtype=np.int64):
        full = np.full(n, fill, dtype=dtype)
        full[at] = values
        return full

    count = column(fig.order_count, 0)
    first = column(fig.first_at, -1)
    second = column(fig.second_at, -1)
    last = column(fig.last_at, -1)
    recency = column(fig.recency_days, -1)
    to_second = column(fig.days_to_second, -1)
    buyer = np.where(
        count > 1,
        BuyerType.REPEAT.value,
        np.where(count == 1, BuyerType.FIRST.value, BuyerType.NONE.value),
    ).astype(object)
    risk = RISK_CODES[column(fig.churn_risk, 0)]
    now = timezone.now().replace(tzinfo=None).isoformat(sep=" ")
    if vendor == "postgresql":
        now += "+00:00"
    columns = [
        computed.ids.tolist(),
        [as_of.isoformat()] * n,
        _timestamps(first, vendor),
        _timestamps(second, vendor),
        _timestamps(last, vendor),
        count.tolist(),
        column(fig.total, 0).tolist(),
        column(fig.average_order_value, 0).tolist(),
        column(fig.ltv, 0).tolist(),
        [None if v < 0 else v for v in recency.tolist()],
        [None if v < 0 else v for v in to_second.tolist()],
        buyer.tolist(),
        risk.tolist(),
        *(column(score.astype(np.int64), 0).tolist() for score in computed.rfm),
        [None if v == 0 else v for v in computed.rank.tolist()],
        [now] * n,
    ]
    return list(zip(*columns, strict=True))
