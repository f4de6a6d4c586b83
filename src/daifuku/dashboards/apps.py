"""Dashboards and KPIs: the analytics area's charts and the KPI targets, in the top layer because they span every domain."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "daifuku.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from daifuku.core import demo, selections

        from . import demo as dashboards_demo
        from . import figures, figures_customers, figures_kpis, selection

        figures.register_builtin()
        figures_customers.register_customer_figures()
        figures_kpis.register_kpis()
        selections.register(selection.SOURCE, selection.resolve)
        demo.register("dashboards.kpis", dashboards_demo.add_demo_kpis)
