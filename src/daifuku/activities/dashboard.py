"""The team dashboard (manager review, seed 004): each rep's touches vs goal for the period,
the trend against the previous period, customers touched and customers not touched for N
days. Counts come from ``TouchDailyCount`` (kept by the touch services), so a year of a
fifty-rep team is a few hundred small rows rather than millions of touches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone

from daifuku.accounts.models import User
from daifuku.customers.models import Person

from .models import ActivityGoal, GoalPeriod, Touch, TouchDailyCount
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
    rows = list(ActivityGoal.objects.filter(period=period).filter(
        rep_id__in=[r.pk for r in reps]) | ActivityGoal.objects.filter(period=period, team_id__in=team_ids,
                                                                      rep__isnull=True))
    by_rep = {g.rep_id: g for g in rows if g.rep_id}
    by_team = {g.team_id: g for g in rows if g.rep_id is None}
    return {r.pk: by_rep.get(r.pk) or by_team.get(r.team_id) for r in reps if by_rep.get(r.pk) or by_team.get(r.team_id)}


def team_dashboard(reps: list[User], *, period: str = GoalPeriod.WEEK, day: dt.date | None = None,
                   idle_days: int = 30) -> dict:
    """Rows for ``reps`` (already checked by the caller: the manager's team). Five queries
    whatever the history length."""
    day = day or timezone.localdate()
    start, end = period_range(period, day)
    prev_start, prev_end = previous_range(period, start)
    rep_ids = [r.pk for r in reps]
    rows = {r.pk: RepRow(rep=r) for r in reps}
    days = (end - start).days
    for row in rows.values():
        row.daily = [0] * days
    daily = (TouchDailyCount.objects.filter(rep_id__in=rep_ids, day__gte=prev_start, day__lt=end)
             .values_list("rep_id", "day", "kind").annotate(n=Sum("count")).order_by())
    for rep_id, when, kind, n in daily:
        row = rows[rep_id]
        if when >= start:
            row.counts[kind] = row.counts.get(kind, 0) + n
            row.total += n
            row.daily[(when - start).days] += n
        else:
            row.previous_total += n
    for rep_id, goal in goals_for(reps, period).items():
        rows[rep_id].goal, rows[rep_id].goal_kind = goal.target, goal.kind
    since, _ = day_bounds(start)
    until, _ = day_bounds(end)
    touched = (Touch.objects.filter(rep_id__in=rep_ids, occurred_at__gte=since, occurred_at__lt=until)
               .values_list("rep_id").annotate(n=Count("person_id", distinct=True)).order_by())
    for rep_id, n in touched:
        rows[rep_id].customers_touched = n
    cutoff = timezone.now() - dt.timedelta(days=idle_days)
    recent = Touch.objects.filter(person=OuterRef("pk"), occurred_at__gte=cutoff)
    idle = (Person.objects.filter(owner_id__in=rep_ids).filter(~Exists(recent))
            .values_list("owner_id").annotate(n=Count("id")).order_by())
    for rep_id, n in idle:
        rows[rep_id].idle_customers = n
    return {"rows": list(rows.values()), "start": start, "end": end - dt.timedelta(days=1), "period": period,
            "idle_days": idle_days, "previous_start": prev_start}


def naive_team_dashboard(reps: list[User], *, period: str = GoalPeriod.WEEK, day: dt.date | None = None) -> dict:
    """The same counts straight from the touches table (the benchmark's baseline)."""
    day = day or timezone.localdate()
    start, end = period_range(period, day)
    prev_start, _ = previous_range(period, start)
    rep_ids = [r.pk for r in reps]
    totals: dict[int, dict[str, int]] = {}
    lo, _ = day_bounds(prev_start)
    mid, _ = day_bounds(start)
    hi, _ = day_bounds(end)
    for rep_id, kind, n in (Touch.objects.filter(rep_id__in=rep_ids, occurred_at__gte=mid, occurred_at__lt=hi)
                            .values_list("rep_id", "kind").annotate(n=Count("id")).order_by()):
        totals.setdefault(rep_id, {})[kind] = n
    previous = dict(Touch.objects.filter(rep_id__in=rep_ids, occurred_at__gte=lo, occurred_at__lt=mid)
                    .values_list("rep_id").annotate(n=Count("id")).order_by())
    return {"totals": totals, "previous": previous}
