"""Team dashboard for 50 reps × one year of touches (2M at full scale): each rep's count vs
goal, trend, customers touched and customers not touched for N days.

Measured: the dashboard as the page computes it (daily-count table + two indexed queries
on touches), against a naive ORM version that counts the touches table for the same
period and the previous one, in the same run."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bench.common import Result, summary, time_ms
from daifuku.activities import dashboard
from daifuku.activities.models import Touch
from daifuku.activities.seeding import customers_for, generate_touches, team_of_reps

SIZES = {  # reps, days, touches per rep per day, customers per rep
    "tiny": (5, 30, 12, 20),
    "small": (50, 365, 11, 200),
    "full": (50, 365, 110, 200),
}
GOAL_MS = 300


def run(scale: str) -> list[Result]:
    reps_count, days, per_day, per_rep = SIZES[scale]
    reps = team_of_reps(f"bench-dashboard-{scale}", reps_count)
    target = reps_count * days * per_day
    existing = Touch.objects.filter(rep__in=reps).count()
    if existing < target * 0.9:
        owned = customers_for(reps, per_rep, marker="ダッシュボード検証")
        generate_touches(reps, owned, days=days, per_day=per_day)
        existing = Touch.objects.filter(rep__in=reps).count()
    day = timezone.localdate()
    results = []
    for period, repeat in (("month", 20 if scale != "tiny" else 5), ("week", 20 if scale != "tiny" else 5)):
        fast = time_ms(lambda p=period: dashboard.team_dashboard(reps, period=p, day=day, idle_days=30),
                       repeat=repeat, warmup=2)
        naive = time_ms(lambda p=period: dashboard.naive_team_dashboard(reps, period=p, day=day),
                        repeat=max(3, repeat // 4), warmup=1)
        counts_only = time_ms(lambda p=period: _counts_only(reps, p, day), repeat=repeat, warmup=2)
        fast_s, naive_s, counts_s = summary(fast), summary(naive), summary(counts_only)
        results.append(Result(
            benchmark=f"team_dashboard_{period}", scale=scale,
            metrics={"touches": existing, "reps": reps_count, "dashboard_p95_ms": fast_s["p95_ms"],
                     "dashboard_p50_ms": fast_s["p50_ms"], "counts_vs_goal_p95_ms": counts_s["p95_ms"]},
            baseline={"naive_orm_counts_p95_ms": naive_s["p95_ms"], "naive_orm_counts_p50_ms": naive_s["p50_ms"]},
            ratio=round(naive_s["p95_ms"] / counts_s["p95_ms"], 1) if counts_s["p95_ms"] else None,
            goal=f"whole dashboard p95 < {GOAL_MS} ms for 50 reps × 1 year (2M touches)",
            passed=fast_s["p95_ms"] < GOAL_MS if scale == "full" else None,
            notes="ratio = naive counts from touches / counts from TouchDailyCount (same figures)",
        ))
    return results


def _counts_only(reps, period: str, day: dt.date):
    """The part the naive version also computes: counts, goal, previous period."""
    from django.db.models import Sum

    from daifuku.activities.models import TouchDailyCount

    start, end = dashboard.period_range(period, day)
    prev_start, _ = dashboard.previous_range(period, start)
    rows = list(TouchDailyCount.objects.filter(rep__in=reps, day__gte=prev_start, day__lt=end)
                .values_list("rep_id", "day", "kind").annotate(n=Sum("count")).order_by())
    dashboard.goals_for(reps, period)
    return rows
