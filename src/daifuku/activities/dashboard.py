"""The team dashboard (manager review, seed 004): each rep's touches vs goal for the period,
the trend against the previous period, customers touched and customers not touched for N
days. Everything is read from the tables the touch services keep in the touch's own
transaction (``services.rollups``), never by scanning the touches of the period:

* counts by kind and day, and the previous period's total: ``TouchDailyCount``;
* customers touched in a week or month: the number of ``RepCustomerPeriod`` rows (one per
  customer touched); for a single day, the day's touches themselves (a bounded range);
* customers not touched for N days: owned people without a ``PersonLastTouch`` newer than
  the cutoff.

``bench.naive_dashboard`` computes the same figures straight from the touches; the tests
prove the two equal and the benchmark measures both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from daifuku.accounts.models import User
from daifuku.core.charts import Bar, column_chart
from daifuku.customers.models import Person

from .models import (
    ActivityGoal,
    GoalPeriod,
    PersonLastTouch,
    RepCustomerPeriod,
    Touch,
    TouchDailyCount,
)
from .selectors import day_bounds


def period_range(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """``[start, end)`` of the day/week (Monday first)/month containing ``day``."""
    if period == GoalPeriod.DAY:
        return day, day + dt.timedelta(days=1)
    if period == GoalPeriod.MONTH:
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return start, end
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=7)


def previous_range(period: str, start: dt.date) -> tuple[dt.date, dt.date]:
    return period_range(period, start - dt.timedelta(days=1))


@dataclass
class RepRow:
    rep: User
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    previous_total: int = 0
    goal: int | None = None
    goal_kind: str = ""
    customers_touched: int = 0
    idle_customers: int = 0
    daily: list[int] = field(default_factory=list)

    @property
    def goal_count(self) -> int:
        return self.counts.get(self.goal_kind, 0) if self.goal_kind else self.total

    @property
    def percent(self) -> int | None:
        if not self.goal:
            return None
        return min(999, round(self.goal_count * 100 / self.goal))

    @property
    def trend(self) -> int:
        return self.total - self.previous_total

    @property
    def bars(self) -> list[int]:
        """Daily counts scaled 0–100 for the little bar chart."""
        top = max(self.daily or [0]) or 1
        return [round(v * 100 / top) for v in self.daily]


def goals_for(reps: list[User], period: str) -> dict[int, ActivityGoal]:
    """Each rep's goal for ``period``: their own, else their team's (one query)."""
    team_ids = {r.team_id for r in reps if r.team_id}
    rows = list(
        ActivityGoal.objects.filter(period=period).filter(rep_id__in=[r.pk for r in reps])
        | ActivityGoal.objects.filter(period=period, team_id__in=team_ids, rep__isnull=True)
    )
    by_rep = {g.rep_id: g for g in rows if g.rep_id}
    by_team = {g.team_id: g for g in rows if g.rep_id is None}
    return {
        r.pk: by_rep.get(r.pk) or by_team.get(r.team_id)
        for r in reps
        if by_rep.get(r.pk) or by_team.get(r.team_id)
    }


def team_dashboard(
    reps: list[User],
    *,
    period: str = GoalPeriod.WEEK,
    day: dt.date | None = None,
    idle_days: int = 30,
    now: dt.datetime | None = None,
) -> dict:
    """Rows for ``reps`` (already checked by the caller: the manager's team). Five small
    indexed queries whatever the history length."""
    day, now = day or timezone.localdate(), now or timezone.now()
    start, end = period_range(period, day)
    prev_start, prev_end = previous_range(period, start)
    rep_ids = [r.pk for r in reps]
    daily = TouchDailyCount.objects.filter(
        rep_id__in=rep_ids, day__gte=start, day__lt=end
    ).values_list("rep_id", "day", "kind", "count")
    previous = (
        TouchDailyCount.objects.filter(rep_id__in=rep_ids, day__gte=prev_start, day__lt=prev_end)
        .values_list("rep_id")
        .annotate(n=Sum("count"))
        .order_by()
    )
    if period == GoalPeriod.DAY:
        touched = _distinct_customers(Touch.objects.filter(rep_id__in=rep_ids), start, end)
    else:
        touched = (
            RepCustomerPeriod.objects.filter(rep_id__in=rep_ids, period=period, start=start)
            .values_list("rep_id")
            .annotate(n=Count("*"))
            .order_by()
        )
    recent = PersonLastTouch.objects.filter(
        person=OuterRef("pk"), last_touched_at__gte=now - dt.timedelta(days=idle_days)
    )
    return _assemble(
        reps,
        period,
        start,
        end,
        prev_start,
        idle_days,
        daily=daily,
        previous=previous,
        touched=touched,
        idle=_idle(rep_ids, recent),
    )


def _between(touches, start: dt.date, end: dt.date):
    """Touches from the (Tokyo) day ``start`` up to, not including, the day ``end``."""
    return touches.filter(occurred_at__gte=day_bounds(start)[0], occurred_at__lt=day_bounds(end)[0])


def _distinct_customers(touches, start: dt.date, end: dt.date):
    return (
        _between(touches, start, end)
        .values_list("rep_id")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )


def _idle(rep_ids: list[int], recent):
    return (
        Person.objects.filter(owner_id__in=rep_ids)
        .filter(~Exists(recent))
        .values_list("owner_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _assemble(
    reps: list[User],
    period: str,
    start: dt.date,
    end: dt.date,
    prev_start: dt.date,
    idle_days: int,
    *,
    daily: Iterable,
    previous: Iterable,
    touched: Iterable,
    idle: Iterable,
) -> dict:
    rows = {r.pk: RepRow(rep=r, daily=[0] * (end - start).days) for r in reps}
    for rep_id, when, kind, n in daily:
        if n:
            row = rows[rep_id]
            row.counts[kind] = row.counts.get(kind, 0) + n
            row.total += n
            row.daily[(when - start).days] += n
    for rep_id, n in previous:
        rows[rep_id].previous_total = n or 0
    for rep_id, goal in goals_for(reps, period).items():
        rows[rep_id].goal, rows[rep_id].goal_kind = goal.target, goal.kind
    for rep_id, n in touched:
        rows[rep_id].customers_touched = n
    for rep_id, n in idle:
        rows[rep_id].idle_customers = n
    return {
        "rows": list(rows.values()),
        "start": start,
        "end": end - dt.timedelta(days=1),
        "period": period,
        "idle_days": idle_days,
        "previous_start": prev_start,
        "trend_chart": trend_chart(
            start, [sum(r.daily[i] for r in rows.values()) for i in range((end - start).days)]
        ),
    }


def day_bar(day: dt.date, n: int) -> Bar:
    """A day's column: "12/7" under it, the weekday (月) under that, the count on top."""
    return Bar(label=f"{day.month}/{day.day}", value=n, text=str(n), note=date_format(day, "D"))


def trend_chart(start: dt.date, daily: list[int]):
    """The team's touches per day of the period as a labelled column chart (SVG)."""
    return column_chart(
        [day_bar(start + dt.timedelta(days=i), n) for i, n in enumerate(daily)],
        title=_("Team touches per day"),
        axis_title=_("Touches"),
        label_every=1 if len(daily) <= 8 else 5,
    )


def team_daily_touches(
    reps: list[User], *, days: int = 14, day: dt.date | None = None
) -> list[tuple[dt.date, int]]:
    """The team's touches per (Tokyo) day over the ``days`` days ending with ``day``
    (today), oldest first, days without touches included as 0 — the manager home's trend
    chart. One indexed query on ``TouchDailyCount``."""
    end = day or timezone.localdate()
    start = end - dt.timedelta(days=days - 1)
    counts = dict(
        TouchDailyCount.objects.filter(
            rep_id__in=[r.pk for r in reps], day__gte=start, day__lte=end
        )
        .values_list("day")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return [
        (start + dt.timedelta(days=i), counts.get(start + dt.timedelta(days=i), 0) or 0)
        for i in range(days)
    ]
