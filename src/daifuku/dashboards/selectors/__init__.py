"""Every read of the dashboards app (KPIs: everyone signed in may see them)."""

from .kpis import attainment, get_kpi, list_kpis, metric_choices

__all__ = ["attainment", "get_kpi", "list_kpis", "metric_choices"]
