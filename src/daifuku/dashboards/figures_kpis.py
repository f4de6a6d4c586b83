"""The KPI figure of the dashboards: each KPI's actual so far against this period's target
(the KPIs themselves: :mod:`.models`, :mod:`.services`, the metric catalogue ``core.metrics``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .registry import Context, Figure, Result, register


def kpi_attainment(ctx: Context) -> Result:
    from . import kpi_display, selectors

    rows = kpi_display.current_rows(list(selectors.list_kpis(ctx.user)))
    return Result(
        [
            ("kpi", _("KPI")),
            ("period", _("Period")),
            ("actual", _("Actual")),
            ("target", _("Target")),
            ("attainment", _("Attainment")),
        ],
        [
            {
                "kpi": r["kpi"].name,
                "period": r["label"],
                "actual": r["actual"],
                "target": r["target"],
                "attainment": r["rate"],
            }
            for r in rows
        ],
        kpi_display.current_chart([], rows),
    )


def register_kpis() -> None:
    register(
        Figure(
            "kpis",
            gettext_lazy("KPI attainment"),
            "kpis",
            kpi_attainment,
            gettext_lazy("Each KPI's actual so far against this period's target."),
            order=10,
        )
    )
