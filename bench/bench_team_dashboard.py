"""Team dashboard for 50 reps × one year of touches (2M at full scale): each rep's count vs
goal, trend, customers touched and customers not touched for N days — for each period
view (day, week, month).

Measured: the whole dashboard as the page computes it (the tables the touch services keep:
daily counts, customers touched per week/month, last touch per person), against the naive
ORM version that computes the same figures from the touches table, in the same run. Both
must give the same figures (checked once per view before timing)."""

from __future__ import annotations

from django.utils import timezone

from bench.activity_data import customers_for, generate_touches, team_of_reps
from bench.common import Result, summary, time_ms
from bench.naive_dashboard import naive_team_dashboard
from daifuku.activities import dashboard
from daifuku.activities.models import Touch

SIZES = {  # reps, days, touches per rep per day, customers per rep
    "tiny": (5, 30, 12, 20),
    "small": (50, 365, 11, 200),
    "full": (50, 365, 110, 200),
}
GOAL_MS = 300
IDLE_DAYS = 30


def figures(data: dict) -> dict:
    return {
        row.rep.pk: (
            row.total,
            row.counts,
            row.previous_total,
            row.customers_touched,
            row.idle_customers,
            row.daily,
            row.goal,
        )
        for row in data["rows"]
    }


def run(scale: str) -> list[Result]:
    reps_count, days, per_day, per_rep = SIZES[scale]
    reps = team_of_reps(f"bench-dashboard-{scale}", reps_count)
    target = reps_count * days * per_day
    existing = Touch.objects.filter(rep__in=reps).count()
    if existing < target * 0.9:
        owned = customers_for(reps, per_rep, marker="ダッシュボード検証")
        generate_touches(reps, owned, days=days, per_day=per_day)
        existing = Touch.objects.filter(rep__in=reps).count()
    day, now = timezone.localdate(), timezone.now()
    repeat = 5 if scale == "tiny" else 30
    results = []
    for period in ("day", "week", "month"):

        def fast(p=period):
            return dashboard.team_dashboard(reps, period=p, day=day, idle_days=IDLE_DAYS, now=now)

        def naive(p=period):
            return naive_team_dashboard(reps, period=p, day=day, idle_days=IDLE_DAYS, now=now)

        same = figures(fast()) == figures(naive())
        fast_s = summary(time_ms(fast, repeat=repeat, warmup=2))
        naive_s = summary(time_ms(naive, repeat=max(3, repeat // 5), warmup=1))
        results.append(
            Result(
                benchmark=f"team_dashboard_{period}",
                scale=scale,
                metrics={
                    "touches": existing,
                    "reps": reps_count,
                    "dashboard_p95_ms": fast_s["p95_ms"],
                    "dashboard_p50_ms": fast_s["p50_ms"],
                    "same_figures_as_naive": same,
                },
                baseline={
                    "naive_orm_dashboard_p95_ms": naive_s["p95_ms"],
                    "naive_orm_dashboard_p50_ms": naive_s["p50_ms"],
                },
                ratio=round(naive_s["p95_ms"] / fast_s["p95_ms"], 1) if fast_s["p95_ms"] else None,
                goal=f"whole dashboard p95 < {GOAL_MS} ms for 50 reps × 1 year (2M touches), same figures as naive",
                passed=(fast_s["p95_ms"] < GOAL_MS and same)
                if scale == "full"
                else (same or False),
                notes="ratio = naive ORM dashboard (from touches) p95 / dashboard p95; day view reads the day's "
                "touches for customers touched, week/month read RepCustomerPeriod",
            )
        )
    return results
