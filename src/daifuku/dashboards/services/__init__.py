"""Every write of the dashboards app (KPIs and their targets)."""

from .kpis import create_kpi, set_targets, update_kpi

__all__ = ["create_kpi", "set_targets", "update_kpi"]
