"""The figures of the customers section that read analytics' snapshot tables (ranks,
RFM scores, rank history) instead of every order, and the 5:25 retention what-if
(registered in ``DashboardsConfig.ready()``). Counts cover the customers (people and
companies) the viewer may see; a bar or cell opens the people behind it."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from daifuku.analytics.maths import cohorts as cohort_maths
from daifuku.analytics.permissions import may_see_business_figures
from daifuku.analytics.selectors import business, distributions
from daifuku.analytics.selectors.orders import transactions

from .registry import Chart, Context, Figure, Param, Result, register

MOVED_MONTHS = Param("months", gettext_lazy("Months"), 3, 1, 24)
POINTS = Param("points", gettext_lazy("Retention points added"), 5, 1, 30)
PERIOD = Param("period_months", gettext_lazy("Period (months)"), 12, 1, 24)


def _yen(value: float) -> str:
    return _("¥%(amount)s") % {"amount": f"{round(value):,}"}


def _people_count(n: int) -> str:
    return _("%(n)d customers") % {"n": n}


# ランク分布 ---------------------------------------------------------------------------


def rank_distribution(ctx: Context) -> Result:
    found = distributions.rank_distribution(ctx.user)
    none = _("No rank")
    rows = [
        {
            "rank": r["rank"] or none,
            "customers": r["customers"],
            "share": round(r["share"], 4),
        }
        for r in found
    ]
    chart = Chart(
        "bars",
        labels=[r["rank"] for r in rows],
        values=[r["customers"] for r in rows],
        texts=[_people_count(r["customers"]) for r in rows],
        row_notes=[f"{r['share'] * 100:.1f}%" for r in rows],
        cells=[r["key"] for r in found],
    )
    total = sum(r["customers"] for r in rows)
    return Result(
        [("rank", _("Rank")), ("customers", _("Customers")), ("share", _("Share"))],
        rows,
        chart,
        _("%(n)d buyers") % {"n": total},
    )


def rank_distribution_drill(ctx: Context, cell) -> list[int]:
    return distributions.people_of_rank(ctx.user, cell)


# ランクの移動 -------------------------------------------------------------------------


def _since(ctx: Context) -> dt.datetime:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - ctx.params["months"]
    start = dt.date(index // 12, index % 12 + 1, min(today.day, 28))
    return timezone.make_aware(dt.datetime.combine(start, dt.time()))


def rank_movements(ctx: Context) -> Result:
    found = distributions.rank_movements(ctx.user, since=_since(ctx))
    none = _("No rank")
    up, down = _("Up"), _("Down")
    rows = [
        {
            "from_rank": r["from"] or none,
            "to_rank": r["to"] or none,
            "direction": up if r["direction"] == "up" else down,
            "changes": r["changes"],
            "customers": r["customers"],
        }
        for r in found
    ]
    chart = Chart(
        "bars",
        labels=[f"{r['from_rank']}→{r['to_rank']}" for r in rows],
        values=[r["changes"] for r in rows],
        texts=[_("%(n)d changes") % {"n": r["changes"]} for r in rows],
        row_notes=[f"{r['direction']} · {_people_count(r['customers'])}" for r in rows],
        cells=[[r["from"], r["to"]] for r in found],
    )
    ups = sum(r["changes"] for r in found if r["direction"] == "up")
    downs = sum(r["changes"] for r in found if r["direction"] == "down")
    return Result(
        [
            ("from_rank", pgettext("rank movement", "From")),
            ("to_rank", pgettext("rank movement", "To")),
            ("direction", _("Direction")),
            ("changes", pgettext("rank movement", "Changes")),
            ("customers", _("Customers")),
        ],
        rows,
        chart if rows else None,
        _("Last %(n)d months: %(up)d up, %(down)d down")
        % {"n": ctx.params["months"], "up": ups, "down": downs},
    )


def rank_movements_drill(ctx: Context, cell) -> list[int]:
    try:
        from_name, to_name = str(cell[0]), str(cell[1])
    except (TypeError, IndexError, KeyError):
        return []
    return distributions.people_who_moved(
        ctx.user, since=_since(ctx), from_name=from_name, to_name=to_name
    )


# RFMグリッド --------------------------------------------------------------------------


def rfm_grid(ctx: Context) -> Result:
    found = distributions.rfm_grid(ctx.user)
    cells = {(r["r"], r["f"]): r for r in found}
    biggest = max((r["customers"] for r in found), default=0) or 1
    matrix, matrix_cells, matrix_texts = [], [], []
    for r in range(5, 0, -1):
        matrix.append(
            [cells[(r, f)]["customers"] / biggest if (r, f) in cells else None for f in range(1, 6)]
        )
        matrix_cells.append([[r, f] if (r, f) in cells else None for f in range(1, 6)])
        matrix_texts.append(
            [str(cells[(r, f)]["customers"]) if (r, f) in cells else "" for f in range(1, 6)]
        )
    chart = Chart(
        "heatmap",
        labels=[f"R{r}" for r in range(5, 0, -1)],
        columns=[f"F{f}" for f in range(1, 6)],
        matrix=matrix,
        matrix_cells=matrix_cells,
        matrix_texts=matrix_texts,
        axis_title=_("F (frequency score) →"),
        note=_("Customers per recency (R) and frequency (F) score; 5 is best"),
    )
    return Result(
        [
            ("r", _("R (recency)")),
            ("f", _("F (frequency)")),
            ("customers", _("Customers")),
            ("average_m", _("Average M score")),
            ("average_total", _("Average total (yen)")),
        ],
        found,
        chart,
        _("%(n)d buyers") % {"n": sum(r["customers"] for r in found)},
    )


def rfm_grid_drill(ctx: Context, cell) -> list[int]:
    try:
        r, f = int(cell[0]), int(cell[1])
    except (TypeError, ValueError, IndexError, KeyError):
        return []
    return distributions.people_of_rfm(ctx.user, r, f)


# 継続率の改善効果（5:25） ----------------------------------------------------------------


def _periods(ctx: Context) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """This period: the last ``period_months`` months, this month included, to today;
    the previous period: as many months before them."""
    today = timezone.localdate()
    months = ctx.params["period_months"]

    def month_start(index: int) -> dt.date:
        return dt.date(index // 12, index % 12 + 1, 1)

    this = today.year * 12 + today.month - 1
    current_start = month_start(this - months + 1)
    previous_start = month_start(this - 2 * months + 1)
    return (previous_start, current_start - dt.timedelta(days=1)), (current_start, today)


def retention_what_if(ctx: Context) -> Result:
    previous, current = _periods(ctx)
    what = business.retention_what_if(
        ctx.user, previous=previous, current=current, points=ctx.params["points"]
    )
    points = ctx.params["points"]
    rows = [
        {"item": _("Buyers in the previous period"), "value": what["previous"]["buyers"]},
        {"item": _("Of them, bought again this period"), "value": what["retained"]},
        {"item": _("Retention rate (%)"), "value": round(what["retention"] * 100, 1)},
        {"item": _("Revenue this period (yen)"), "value": what["current"]["revenue"]},
        {
            "item": _("Next period's revenue from returning customers, as now (yen)"),
            "value": what["projected_revenue"],
        },
        {
            "item": _("The same with retention +%(points)d points (yen)") % {"points": points},
            "value": what["projected_revenue_with_points"],
        },
        {"item": _("Gain (yen)"), "value": what["gain"]},
    ]
    share = what["gain_share_of_current_revenue"]
    chart = Chart(
        "bars",
        labels=[_("As now"), _("Retention +%(points)d points") % {"points": points}],
        values=[max(0, what["projected_revenue"]), max(0, what["projected_revenue_with_points"])],
        texts=[_yen(what["projected_revenue"]), _yen(what["projected_revenue_with_points"])],
        row_notes=[
            _("retention %(rate).1f%%") % {"rate": what["retention"] * 100},
            _("+%(gain)s") % {"gain": _yen(what["gain"])},
        ],
        cells=["lost", "retained"],
    )
    summary = _(
        "Keeping %(points)d more customers in 100 adds %(gain)s (%(share)s of this period's revenue). "
        "The first bar opens the customers who did not come back; the second those who did."
    ) % {
        "points": points,
        "gain": _yen(what["gain"]),
        "share": "—" if share is None else f"{share * 100:.1f}%",
    }
    if not what["previous"]["buyers"]:
        summary = _(
            "Nobody bought in the previous period (%(start)s – %(end)s): choose a shorter period."
        ) % {"start": previous[0].isoformat(), "end": previous[1].isoformat()}
    return Result(
        [("item", pgettext("what-if table", "Item")), ("value", _("Value"))], rows, chart, summary
    )


def retention_what_if_drill(ctx: Context, cell) -> list[int]:
    """ "lost": the previous period's buyers who have not bought this period — whom a
    win-back mail should reach; "retained": those who did."""
    if cell not in ("lost", "retained"):
        return []
    previous, current = _periods(ctx)
    # the same orders as the figure (analytics' counting orders, net of their returns)
    rows = transactions(ctx.user, until=current[1])
    buyers = cohort_maths.buyer_days(rows.customer, rows.day, rows.amount)

    def bought(lo: dt.date, hi: dt.date) -> np.ndarray:
        low, high = (np.datetime64(d, "D").astype(np.int64) for d in (lo, hi))
        mask = buyers.purchase & (buyers.day >= low) & (buyers.day <= high)
        return np.bincount(buyers.customer[mask], minlength=buyers.ids.size) > 0

    before, now = bought(*previous), bought(*current)
    chosen = before & (now if cell == "retained" else ~now)
    return sorted(int(k) for k in buyers.ids[chosen] if k > 0)


def register_customer_figures() -> None:
    register(
        Figure(
            "rank_distribution",
            gettext_lazy("Rank distribution"),
            "customers",
            rank_distribution,
            gettext_lazy("How many buyers hold each rank now (from the customer figures)."),
            (),
            rank_distribution_drill,
            order=40,
        )
    )
    register(
        Figure(
            "rank_movements",
            gettext_lazy("Rank movements"),
            "customers",
            rank_movements,
            gettext_lazy("Rank changes over the months shown, from which rank to which."),
            (MOVED_MONTHS,),
            rank_movements_drill,
            order=50,
        )
    )
    register(
        Figure(
            "rfm_grid",
            gettext_lazy("RFM grid"),
            "customers",
            rfm_grid,
            gettext_lazy(
                "Buyers by recency (R) and frequency (F) score: top right are the best customers, bottom right those slipping away."
            ),
            (),
            rfm_grid_drill,
            order=60,
        )
    )
    register(
        Figure(
            "retention_what_if",
            gettext_lazy("Retention what-if (5:25)"),
            "customers",
            retention_what_if,
            gettext_lazy(
                "What a few more points of retention would add to next period's revenue, on this business's own orders."
            ),
            (POINTS, PERIOD),
            retention_what_if_drill,
            order=70,
            visible=may_see_business_figures,
        )
    )
