"""``/api/v1/kpis``: the KPIs, adding one with its targets, and its attainment over time."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema, Status

from daifuku.core import metrics

from . import selectors, services

router = Router(tags=["dashboards"])


class KpiTargetIn(Schema):
    period_start: dt.date
    value: float | str | None


class KpiIn(Schema):
    metric: str
    name: str = ""
    period_type: str = "month"
    owner_id: int | None = None
    owner_only: bool = False
    targets: list[KpiTargetIn] = []


class KpiOut(Schema):
    id: int
    name: str
    metric: str
    metric_label: str
    unit: str
    period_type: str
    owner_id: int | None
    owner_only: bool
    is_active: bool


class KpiList(Schema):
    items: list[KpiOut]
    metrics: list[dict]


class PeriodOut(Schema):
    period: str
    start: dt.date
    end: dt.date
    actual: float | None
    target: float | None
    attainment: float | None
    running: bool


class AttainmentOut(Schema):
    kpi: KpiOut
    periods: list[PeriodOut]


class AttainmentQuery(Schema):
    periods: int = 6


def _kpi(kpi) -> dict:
    metric = metrics.get(kpi.metric)
    return {
        "id": kpi.pk,
        "name": kpi.name,
        "metric": kpi.metric,
        "metric_label": str(metric.label) if metric else "",
        "unit": metric.unit if metric else "",
        "period_type": kpi.period_type,
        "owner_id": kpi.owner_id,
        "owner_only": kpi.owner_only,
        "is_active": kpi.is_active,
    }


@router.get("/kpis", response=KpiList)
def list_kpis(request):
    return {
        "items": [_kpi(k) for k in selectors.list_kpis(request.auth)],
        "metrics": [
            {"key": m.key, "label": str(m.label), "unit": m.unit} for m in metrics.catalogue()
        ],
    }


@router.post("/kpis", response={201: KpiOut})
def create_kpi(request, payload: KpiIn):
    data = payload.dict()
    data["owner"] = data.pop("owner_id")
    kpi = services.create_kpi(actor=request.auth, data=data)
    return Status(201, _kpi(kpi))


@router.get("/kpis/{kpi_id}/attainment", response=AttainmentOut)
def kpi_attainment(request, kpi_id: int, params: Query[AttainmentQuery]):
    kpi = selectors.get_kpi(request.auth, kpi_id)
    count = min(60, max(1, params.periods))
    return {
        "kpi": _kpi(kpi),
        "periods": [
            {
                "period": r.label,
                "start": r.start,
                "end": r.end,
                "actual": r.actual,
                "target": r.target,
                "attainment": r.rate,
                "running": r.current,
            }
            for r in selectors.attainment(kpi, periods_back=count)
        ],
    }
