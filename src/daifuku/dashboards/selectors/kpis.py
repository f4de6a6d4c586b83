"""KPIs and their attainment: the metric's actual value per period against the target."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from daifuku.core import metrics

from .. import periods
from ..models import Kpi, KpiTarget


def list_kpis(user, *, active_only: bool = True) -> QuerySet:
    """KPIs are the organisation's shared goals: everyone signed in reads them."""
    if user is None or not user.is_authenticated:
        return Kpi.objects.none()
    qs = Kpi.objects.select_related("owner")
    return qs.filter(is_active=True) if active_only else qs


def get_kpi(user, pk) -> Kpi:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    kpi = list_kpis(user, active_only=False).filter(pk=pk).first()
    if kpi is None:
        raise Http404
    return kpi


def metric_choices() -> list[tuple[str, str]]:
    return [(m.key, str(m.label)) for m in metrics.catalogue()]


@dataclass(frozen=True)
class PeriodResult:
    start: dt.date
    end: dt.date
    label: str
    actual: float | None
    target: float | None
    current: bool  # the period is still running

    @property
    def rate(self) -> float | None:
        """Actual ÷ target (1.0 = attained); None without a target or an actual."""
        if self.actual is None or not self.target:
            return None
        return self.actual / self.target


def attainment(
    kpi: Kpi, *, periods_back: int = 6, today: dt.date | None = None
) -> list[PeriodResult]:
    """The last ``periods_back`` periods up to the current one, oldest first."""
    today = today or timezone.localdate()
    metric = metrics.get(kpi.metric)
    scope = (
        metrics.Scope(user_id=kpi.owner_id) if kpi.owner_only and kpi.owner_id else metrics.EVERYONE
    )
    starts = periods.recent(kpi.period_type, periods_back, today)
    targets = {
        t.period_start: float(t.value)
        for t in KpiTarget.objects.filter(kpi=kpi, period_start__in=starts)
    }
    found = []
    for start in starts:
        end = periods.end_of(start, kpi.period_type)
        actual = metric.compute(start, min(end, today), scope) if metric else None
        found.append(
            PeriodResult(
                start,
                end,
                periods.label(start, kpi.period_type),
                None if actual is None else float(actual),
                targets.get(start),
                end >= today,
            )
        )
    return found
