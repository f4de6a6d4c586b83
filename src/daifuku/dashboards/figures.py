"""The figures the analytics area shows from commerce's orders (registered in
``DashboardsConfig.ready()``). Every figure is net of returns (analytics' netting rule:
a return lowers revenue on the day it happens; a customer whose purchases were all
returned is not a buyer) and counts only the customers the viewer may see."""

from __future__ import annotations

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from daifuku.analytics.maths import cohorts as cohort_maths

from . import charts
from . import figure_facts as facts
from .registry import Chart, Context, Figure, Param, Result, register

MONTHS = Param("months", gettext_lazy("Months"), 12, 1, 60)
WITHIN = Param("within_days", gettext_lazy("Days to the second purchase"), 90, 1, 730)


def _month(index: int) -> str:
    return f"{1970 + index // 12:04d}-{index % 12 + 1:02d}"


def _month_short(index: int) -> str:
    return f"{(1970 + index // 12) % 100:02d}/{index % 12 + 1:02d}"


def _this_month() -> int:
    today = timezone.localdate()
    return (today.year - 1970) * 12 + today.month - 1


def _yen(value: float) -> str:
    return _("¥%(amount)s") % {"amount": f"{round(value):,}"}


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _arrays(ctx: Context):
    customers, days, amounts, _channels = ctx.rows.arrays()
    return customers, days, amounts


def _people(keys) -> list[int]:
    """Person ids of customer keys (companies have negative keys)."""
    return sorted(int(k) for k in keys if k > 0)


# 月別売上 ---------------------------------------------------------------------------


def revenue_trend(ctx: Context) -> Result:
    last = _this_month()
    first = last - ctx.params["months"] + 1
    rows, values, labels, texts, cells = [], [], [], [], []
    for m, (revenue, orders, returns, buyers) in facts.months(ctx, first, last).items():
        rows.append(
            {
                "month": _month(m),
                "revenue": round(revenue),
                "orders": orders,
                "returns": round(returns),
                "buyers": buyers,
            }
        )
        values.append(max(0.0, revenue))
        labels.append(_month_short(m))
        texts.append("¥" + charts.short(revenue) if revenue >= 0 else _yen(revenue))
        cells.append(m)
    chart = Chart(
        "columns",
        labels=labels,
        values=values,
        texts=texts,
        cells=cells,
        axis_title=_("Revenue (yen, net of returns)"),
    )
    total = sum(r["revenue"] for r in rows)
    return Result(
        [
            ("month", _("Month")),
            ("revenue", _("Revenue (yen)")),
            ("orders", pgettext("count", "Orders")),
            ("returns", _("Returns (yen)")),
            ("buyers", _("Buyers")),
        ],
        rows,
        chart,
        _("Total %(amount)s") % {"amount": _yen(total)},
    )


def revenue_trend_drill(ctx: Context, cell) -> list[int]:
    customers, days, amounts = _arrays(ctx)
    months = days.astype("datetime64[M]").astype(np.int64)
    return _people(np.unique(customers[(months == int(cell)) & (amounts > 0)]))


# 販売経路別売上 -----------------------------------------------------------------------


def _window(ctx: Context):
    customers, days, amounts = _arrays(ctx)
    first = _this_month() - ctx.params["months"] + 1
    months = days.astype("datetime64[M]").astype(np.int64) if days.size else np.zeros(0, int)
    keep = months >= first
    channels = ctx.rows.arrays()[3]
    return customers[keep], amounts[keep], channels[keep] if channels.size else channels


def revenue_by_channel(ctx: Context) -> Result:
    none = _("(no channel)")
    rows = []
    first = _this_month() - ctx.params["months"] + 1
    for name, revenue, orders, buyers in facts.channels(ctx, first):
        rows.append(
            {
                "channel": name or none,
                "key": name,
                "revenue": round(revenue),
                "orders": orders,
                "buyers": buyers,
                "average_order_value": round(revenue / orders) if orders else 0,
            }
        )
    rows.sort(key=lambda r: -r["revenue"])
    total = sum(r["revenue"] for r in rows) or 1
    chart = Chart(
        "bars",
        labels=[r["channel"] for r in rows],
        values=[max(0, r["revenue"]) for r in rows],
        texts=[_yen(r["revenue"]) for r in rows],
        row_notes=[
            f"{r['revenue'] / total * 100:.0f}% · " + _("%(n)d orders") % {"n": r["orders"]}
            for r in rows
        ],
        cells=[r["key"] for r in rows],
    )
    for r in rows:
        r.pop("key")
    return Result(
        [
            ("channel", _("Sales channel")),
            ("revenue", _("Revenue (yen)")),
            ("orders", pgettext("count", "Orders")),
            ("buyers", _("Buyers")),
            ("average_order_value", _("Average order value (yen)")),
        ],
        rows,
        chart,
        _("Last %(n)d months") % {"n": ctx.params["months"]},
    )


def revenue_by_channel_drill(ctx: Context, cell) -> list[int]:
    customers, amounts, channels = _window(ctx)
    return _people(np.unique(customers[(channels == str(cell)) & (amounts > 0)]))


# コホート -----------------------------------------------------------------------------


def _recent_cohorts(ctx: Context):
    found = facts.cohorts(ctx)
    first = _this_month() - ctx.params["months"] + 1
    keep = [i for i, label in enumerate(found.labels) if _index(label) >= first]
    return found, keep


def _index(label: str) -> int:
    year, month = label.split("-")
    return (int(year) - 1970) * 12 + int(month) - 1


def cohort_heatmap(ctx: Context) -> Result:
    found, keep = _recent_cohorts(ctx)
    width = max((found.retention.shape[1] if found.labels else 0), 1)
    start = min(keep) if keep else 0
    width = min(width, ctx.params["months"])
    rows, matrix, cells = [], [], []
    for i in keep:
        retention = [None if np.isnan(v) else float(v) for v in found.retention[i][:width]]
        matrix.append(retention)
        cells.append(
            [(found.labels[i], k) if v is not None else None for k, v in enumerate(retention)]
        )
        row = {"cohort": found.labels[i], "size": int(found.sizes[i])}
        for k, v in enumerate(retention):
            row[f"m{k}"] = "" if v is None else round(v, 4)
        rows.append(row)
    del start
    chart = Chart(
        "heatmap",
        labels=[r["cohort"][2:].replace("-", "/") for r in rows],
        columns=[f"+{k}" for k in range(width)],
        matrix=matrix,
        matrix_cells=cells,
        axis_title=_("Months since the first purchase"),
        note=_("Share of the cohort buying in that month (%)"),
    )
    columns = [("cohort", _("First purchase month")), ("size", _("Customers"))] + [
        (f"m{k}", _("Month %(n)d") % {"n": k}) for k in range(width)
    ]
    return Result(columns, rows, chart)


def cohort_drill(ctx: Context, cell) -> list[int]:
    label, offset = str(cell[0]), int(cell[1])
    customers, days, amounts = _arrays(ctx)
    buyers = cohort_maths.buyer_days(customers, days, amounts)
    month = buyers.day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    purchase = buyers.purchase
    first = np.full(buyers.ids.size, np.iinfo(np.int64).max)
    np.minimum.at(first, buyers.customer[purchase], month[purchase])
    cohort = _index(label)
    hit = purchase & (first[buyers.customer] == cohort) & (month - cohort == offset)
    return _people(buyers.ids[np.unique(buyers.customer[hit])])


# 2回目購入率 --------------------------------------------------------------------------


def _first_and_second(ctx: Context):
    """Per buyer: customer key, first purchase day, whether there is a second purchase and
    its day (the netting rule of ``analytics.maths.cohorts``), computed once per request —
    the same figures as ``second_purchase_conversion`` for each month's window."""
    if "first_second" not in ctx.cache:
        customers, days, amounts = _arrays(ctx)
        buyers = cohort_maths.buyer_days(customers, days, amounts)
        purchase = buyers.purchase
        cust, day = buyers.customer[purchase], buyers.day[purchase]  # by customer, day
        if cust.size == 0:
            empty = np.zeros(0, dtype=np.int64)
            ctx.cache["first_second"] = (empty, empty, empty.astype(bool), empty)
        else:
            starts = np.flatnonzero(np.r_[True, cust[1:] != cust[:-1]])
            first = day[starts]
            has_second = np.r_[starts[1:], cust.size] - starts >= 2
            second = np.where(
                has_second, day[np.minimum(starts + 1, cust.size - 1)], np.iinfo(np.int64).max
            )
            ctx.cache["first_second"] = (buyers.ids[cust[starts]], first, has_second, second)
    return ctx.cache["first_second"]


def second_purchase(ctx: Context) -> Result:
    within = ctx.params["within_days"]
    last = _this_month()
    first = last - ctx.params["months"] + 1
    found = facts.second_purchase(ctx, first, last, within, _first_and_second)
    rows, labels, values, texts, cells = [], [], [], [], []
    for m in range(first, last + 1):
        base, converted = found.get(m, (0, 0))
        rate = cohort_maths.Rate.of(converted, base)
        rows.append(
            {
                "month": _month(m),
                "first_buyers": rate.base,
                "converted": rate.count,
                "rate": "" if rate.rate is None else round(rate.rate, 4),
            }
        )
        labels.append(_month_short(m))
        values.append((rate.rate or 0) * 100)
        texts.append(_pct(rate.rate))
        cells.append(m)
    chart = Chart(
        "columns",
        labels=labels,
        values=values,
        texts=texts,
        cells=cells,
        axis_title=_("Converted within %(days)d days (%%)") % {"days": within},
    )
    return Result(
        [
            ("month", _("First purchase month")),
            ("first_buyers", _("First-time buyers")),
            ("converted", _("Bought again")),
            ("rate", _("Conversion rate")),
        ],
        rows,
        chart,
        _(
            "A bar opens the first-time buyers of that month who have not bought a second time within %(days)d days."
        )
        % {"days": within},
    )


def second_purchase_drill(ctx: Context, cell) -> list[int]:
    """The first-time buyers of the month who have not (yet) come back within N days:
    whom a follow-up should reach."""
    keys, first, has_second, second = _first_and_second(ctx)
    month = first.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    missed = (month == int(cell)) & ~(has_second & (second - first <= ctx.params["within_days"]))
    return _people(keys[missed])


# 獲得経路別LTV ------------------------------------------------------------------------


def _acquired_through(ctx: Context) -> dict[int, str]:
    """Each buyer's acquisition channel: the channel of their first order with a positive
    amount (the rows are in time order)."""
    if "acquired" not in ctx.cache:
        found: dict[int, str] = {}
        rows = ctx.rows
        for customer, amount, channel in zip(rows.customer, rows.amount, rows.channel, strict=True):
            if amount > 0 and customer not in found:
                found[customer] = channel
        ctx.cache["acquired"] = found
    return ctx.cache["acquired"]


def ltv_by_channel(ctx: Context) -> Result:
    groups = facts.ltv_by_acquisition(ctx, _acquired_through)
    none = _("(no channel)")
    groups = sorted(groups, key=lambda g: -g.ltv)
    rows = [
        {
            "channel": g.group or none,
            "buyers": g.buyers,
            "purchases": g.purchases,
            "average_order_value": round(g.average_order_value),
            "purchases_per_buyer": round(g.purchases_per_buyer, 2),
            "ltv": round(g.ltv),
        }
        for g in groups
    ]
    chart = Chart(
        "bars",
        labels=[r["channel"] for r in rows],
        values=[max(0, r["ltv"]) for r in rows],
        texts=[_yen(r["ltv"]) for r in rows],
        row_notes=[_("%(n)d buyers") % {"n": r["buyers"]} for r in rows],
        cells=[g.group for g in groups],
    )
    return Result(
        [
            ("channel", _("Acquisition channel")),
            ("buyers", _("Buyers")),
            ("purchases", pgettext("count", "Purchases")),
            ("average_order_value", _("Average order value (yen)")),
            ("purchases_per_buyer", _("Purchases per buyer")),
            ("ltv", _("LTV (yen)")),
        ],
        rows,
        chart,
        _("LTV = average order value × purchases per buyer, by the channel of the first purchase."),
    )


def ltv_by_channel_drill(ctx: Context, cell) -> list[int]:
    return _people(k for k, channel in _acquired_through(ctx).items() if channel == str(cell))


# 併売 ---------------------------------------------------------------------------------


def copurchase_pairs(ctx: Context) -> Result:
    stats = facts.co_purchase_pairs(ctx)
    top = stats.pairs[: ctx.params["limit"]]
    rows = [
        {
            "product_a": p.a,
            "product_b": p.b,
            "orders_together": p.together,
            "support": round(p.support, 4),
            "confidence": round(p.confidence_ab, 4),
            "lift": round(p.lift, 2),
        }
        for p in top
    ]
    chart = Chart(
        "bars",
        labels=[f"{p.a}＋{p.b}" for p in top],
        values=[p.lift for p in top],
        texts=[_("lift %(lift).2f") % {"lift": p.lift} for p in top],
        row_notes=[_("%(n)d orders together") % {"n": p.together} for p in top],
        cells=[[p.a, p.b] for p in top],
    )
    return Result(
        [
            ("product_a", _("Product A")),
            ("product_b", _("Product B")),
            ("orders_together", _("Orders with both")),
            ("support", pgettext("association rule", "Support")),
            ("confidence", _("Confidence A→B")),
            ("lift", _("Lift")),
        ],
        rows,
        chart if top else None,
        _("%(n)d orders analysed") % {"n": stats.orders},
    )


def copurchase_drill(ctx: Context, cell) -> list[int]:
    from daifuku.commerce.selectors.facts import buyers_of_products

    return buyers_of_products(ctx.user, [str(cell[0]), str(cell[1])])


def register_builtin() -> None:
    register(
        Figure(
            "revenue_trend",
            gettext_lazy("Revenue by month"),
            "sales",
            revenue_trend,
            gettext_lazy("Net sales (tax included) per month, returns deducted."),
            (MONTHS,),
            revenue_trend_drill,
            order=10,
        )
    )
    register(
        Figure(
            "revenue_by_channel",
            gettext_lazy("Revenue by sales channel"),
            "sales",
            revenue_by_channel,
            gettext_lazy("Net sales per channel (route) over the months shown."),
            (MONTHS,),
            revenue_by_channel_drill,
            order=20,
        )
    )
    register(
        Figure(
            "cohorts",
            gettext_lazy("Cohort retention"),
            "customers",
            cohort_heatmap,
            gettext_lazy(
                "Customers grouped by the month of their first purchase: the share buying again in each later month."
            ),
            (MONTHS,),
            cohort_drill,
            order=10,
        )
    )
    register(
        Figure(
            "second_purchase",
            gettext_lazy("Second-purchase conversion"),
            "customers",
            second_purchase,
            gettext_lazy(
                "Of the customers who first bought in a month, the share who bought again within the days set."
            ),
            (MONTHS, WITHIN),
            second_purchase_drill,
            order=20,
        )
    )
    register(
        Figure(
            "ltv_by_channel",
            gettext_lazy("LTV by acquisition channel"),
            "customers",
            ltv_by_channel,
            gettext_lazy("What a customer is worth by the channel they first bought through."),
            (),
            ltv_by_channel_drill,
            order=30,
        )
    )
    register(
        Figure(
            "copurchase",
            gettext_lazy("Products bought together"),
            "products",
            copurchase_pairs,
            gettext_lazy(
                "Pairs of products found in the same orders, by lift (above 1: more often than "
                "chance)."
            ),
            (Param("limit", gettext_lazy("Pairs shown"), 10, 1, 50),),
            copurchase_drill,
            order=10,
        )
    )
