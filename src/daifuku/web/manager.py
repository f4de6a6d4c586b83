"""The manager's home: the team's week (touches against goals, the trend of the last two
weeks) and the sales pipeline (open deals of the quarter, the funnel of the fiscal year),
each figure with its label and each series as a chart (``core.charts``).

Reads only through the domains' selectors and read functions (activities' team dashboard,
sales' forecast and funnel); a handful of indexed queries."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from daifuku.accounts import selectors as account_selectors
from daifuku.activities import dashboard
from daifuku.core.charts import Bar, bar_chart, column_chart
from daifuku.sales import selectors as sales_selectors
from daifuku.sales.maths.periods import period_containing


def shows_team(user) -> bool:
    """Managers see their team; administrators see everyone."""
    return user.is_manager or user.is_admin


def _count(n: int) -> str:
    return ngettext("%(n)s touch", "%(n)s touches", n) % {"n": n}


def team_overview(user) -> dict:
    reps = account_selectors.reps_led_by(user)
    today = timezone.localdate()
    week = dashboard.team_dashboard(reps, period="week", day=today)
    rows = week["rows"]
    total = sum(r.total for r in rows)
    previous = sum(r.previous_total for r in rows)
    goal_rows = [r for r in rows if r.goal]
    goal_total = sum(r.goal for r in goal_rows)
    goal_done = sum(min(r.goal_count, r.goal) for r in goal_rows)
    figures = [
        {
            "label": _("Touches this week"),
            "value": _count(total),
            "note": _("%(diff)+d vs last week") % {"diff": total - previous},
        },
        {
            "label": _("Weekly goal"),
            "value": f"{goal_done} / {goal_total}" if goal_total else "—",
            "note": (_("%(p)s%% achieved") % {"p": round(goal_done * 100 / goal_total)})
            if goal_total
            else _("No goal set"),
        },
        {
            "label": _("Customers touched this week"),
            "value": _("%(n)s customers") % {"n": sum(r.customers_touched for r in rows)},
        },
        {
            "label": _("Not touched for %(n)s days") % {"n": week["idle_days"]},
            "value": _("%(n)s customers") % {"n": sum(r.idle_customers for r in rows)},
        },
    ]
    daily = dashboard.team_daily_touches(reps, days=14, day=today)
    trend = column_chart(
        [dashboard.day_bar(d, n) for d, n in daily],
        title=_("Touches per day, last 14 days"),
        axis_title=_("Touches"),
        label_every=2,
    )
    goals = bar_chart(
        [
            Bar(
                label=str(r.rep),
                value=r.goal_count if r.goal else r.total,
                text=(f"{r.goal_count} / {r.goal}" if r.goal else _count(r.total)),
                note=(_("%(p)s%% of goal") % {"p": r.percent}) if r.goal else _("no goal"),
                target=r.goal,
            )
            for r in rows
        ],
        title=_("Touches this week by rep"),
        target_text=_("goal") if goal_rows else "",
    )
    return {
        "week": week,
        "figures": figures,
        "trend_chart": trend,
        "goals_chart": goals,
        "week_label": _("%(start)s – %(end)s")
        % {"start": date_format(week["start"], "n/j"), "end": date_format(week["end"], "n/j")},
        **_pipeline(user, today),
    }


def _yen(value: int) -> str:
    return f"¥{int(value):,}"


def _pipeline(user, today) -> dict:
    settings = sales_selectors.sales_settings()
    quarter = period_containing(today, "quarter", settings.fiscal_year_start_month)
    year = period_containing(today, "year", settings.fiscal_year_start_month)
    team_id = user.team_id if user.is_manager and not user.is_admin else None
    totals = sales_selectors.forecast(user, quarter, team=team_id)
    pipelines = sales_selectors.pipelines(user)
    pipeline = pipelines[0] if pipelines else None
    funnel = sales_selectors.funnel(pipeline, year) if pipeline else None
    fiscal_year = _("FY%(year)s") % {"year": year.key.removeprefix("FY")}
    figures = [
        {
            "label": _("Open deals closing this quarter"),
            "value": _("%(n)s deals") % {"n": totals.deals},
        },
        {"label": _("Pipeline amount"), "value": _yen(totals.unweighted)},
        {"label": _("Weighted by probability"), "value": _yen(totals.weighted)},
    ]
    chart = None
    if funnel and funnel.rows:
        stages = [
            Bar(
                label=row.name,
                value=row.entered,
                text=_("%(n)s deals") % {"n": row.entered},
                note=(_("%(p)s%% moved on") % {"p": row.conversion_percent})
                if row.conversion_percent is not None
                else "",
            )
            for row in funnel.rows
        ]
        stages.append(
            Bar(
                label=_("Won"),
                value=funnel.won,
                text=_("%(n)s deals") % {"n": funnel.won},
                note=(_("win rate %(p)s%%") % {"p": funnel.win_rate_percent})
                if funnel.win_rate_percent is not None
                else "",
            )
        )
        chart = bar_chart(
            stages, title=_("Deals entering each stage in %(period)s") % {"period": fiscal_year}
        )
    return {
        "pipeline_figures": figures,
        "funnel_chart": chart,
        "pipeline": pipeline,
        "fiscal_year": fiscal_year,
        "quarter_label": _("%(start)s – %(end)s")
        % {"start": date_format(quarter.start, "Y/n/j"), "end": date_format(quarter.end, "Y/n/j")},
    }
