"""Demo KPIs for ``daifuku demo``: monthly revenue and the second-purchase conversion with
targets, so 分析 → KPI shows attainment from the first start."""

from __future__ import annotations

from django.utils import timezone

from . import periods, services


def add_demo_kpis(context) -> str:
    actor = context.users.get("manager") or context.users.get("admin") or "daifuku demo"
    today = timezone.localdate()
    made = 0
    for metric, name, period_type, target in (
        ("commerce.revenue", "月次売上", "month", 3_000_000),
        ("commerce.second_purchase_conversion", "2回目購入率", "quarter", "35%"),
        ("activities.touches", "月間タッチ数", "month", 120),
    ):
        kpi = services.create_kpi(
            actor=actor,
            data={
                "metric": metric,
                "name": name,
                "period_type": period_type,
                "owner": getattr(actor, "pk", None),
            },
        )
        starts = periods.recent(period_type, 3, today)
        services.set_targets(
            actor=actor, kpi=kpi, targets=[{"period_start": s, "value": target} for s in starts]
        )
        made += 1
    return f"{made} KPIs with targets"
