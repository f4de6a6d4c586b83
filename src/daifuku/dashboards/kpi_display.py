"""How KPI figures read on the pages and in the figure: yen, counts and rates in Japanese."""

from __future__ import annotations

from django.utils.translation import gettext as _

from daifuku.core import metrics

from . import selectors
from .registry import Chart


def fmt(kpi, value: float | None) -> str:
    if value is None:
        return "—"
    unit = getattr(metrics.get(kpi.metric), "unit", "count")
    if unit == "yen":
        return _("¥%(amount)s") % {"amount": f"{round(value):,}"}
    if unit == "rate":
        return f"{value * 100:.1f}%"
    return f"{round(value, 1):,}".removesuffix(".0")


def _plain(value: float) -> str:
    """A number as typed in a form: 3000000, 35, 12.5 (never 3e+06)."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def row(kpi, result) -> dict:
    return {
        "kpi": kpi,
        "start": result.start,
        "label": result.label,
        "actual": fmt(kpi, result.actual),
        "target": fmt(kpi, result.target),
        "rate": "—" if result.rate is None else f"{result.rate * 100:.0f}%",
        "rate_value": result.rate,
        "target_raw": ""
        if result.target is None
        else (
            _plain(result.target * 100)
            if getattr(metrics.get(kpi.metric), "unit", "") == "rate"
            else _plain(result.target)
        ),
        "current": result.current,
    }


def current_rows(kpis) -> list[dict]:
    return [row(kpi, selectors.attainment(kpi, periods_back=1)[-1]) for kpi in kpis]


def current_chart(kpis, rows: list[dict] | None = None) -> Chart | None:
    """One bar per KPI: this period's attainment in % of target, the 100 % line marked."""
    rows = rows if rows is not None else current_rows(kpis)
    if not rows:
        return None
    return Chart(
        "bars",
        labels=[r["kpi"].name for r in rows],
        values=[(r["rate_value"] or 0) * 100 for r in rows],
        texts=[r["rate"] for r in rows],
        row_notes=[f"{r['actual']} / {r['target']}" for r in rows],
        targets=[100.0 if r["rate_value"] is not None else None for r in rows],
        note=_("│ the target (100%) · this period so far"),
    )


def history_chart(kpi, results) -> Chart:
    return Chart(
        "bars",
        labels=[r.label for r in results],
        values=[r.actual or 0 for r in results],
        texts=[fmt(kpi, r.actual) for r in results],
        row_notes=[
            _("target %(target)s") % {"target": fmt(kpi, r.target)} if r.target is not None else ""
            for r in results
        ],
        targets=[r.target for r in results],
        note=_("│ the target of the period"),
    )
