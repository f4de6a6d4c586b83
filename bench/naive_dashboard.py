"""The team dashboard computed straight from the touches table — what the derived tables of
``activities.services.rollups`` replace. Not a product feature: the exactness tests'
reference (``activities/tests/test_dashboard_exact.py``) and the benchmark's baseline
(``bench_team_dashboard``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef
from django.db.models.functions import TruncDate
from django.utils import timezone

from daifuku.accounts.models import User
from daifuku.activities.dashboard import (
    _assemble,
    _between,
    _distinct_customers,
    _idle,
    period_range,
    previous_range,
)
from daifuku.activities.models import GoalPeriod, Touch


def naive_team_dashboard(
    reps: list[User],
    *,
    period: str = GoalPeriod.WEEK,
    day: dt.date | None = None,
    idle_days: int = 30,
    now: dt.datetime | None = None,
) -> dict:
    """The same dashboard computed straight from the touches table (what the derived tables
    replace): the tests' reference and the benchmark's baseline."""
    day, now = day or timezone.localdate(), now or timezone.now()
    start, end = period_range(period, day)
    prev_start, prev_end = previous_range(period, start)
    touches = Touch.objects.filter(rep_id__in=[r.pk for r in reps])
    daily = (
        _between(touches, start, end)
        .annotate(day=TruncDate("occurred_at", tzinfo=timezone.get_default_timezone()))
        .values_list("rep_id", "day", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    previous = (
        _between(touches, prev_start, prev_end)
        .values_list("rep_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    recent = Touch.objects.filter(
        person=OuterRef("pk"), occurred_at__gte=now - dt.timedelta(days=idle_days)
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
        touched=_distinct_customers(touches, start, end),
        idle=_idle([r.pk for r in reps], recent),
    )
