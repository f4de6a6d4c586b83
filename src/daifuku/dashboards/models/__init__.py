"""Dashboards' own state: KPIs and their targets per period."""

from .kpis import Kpi, KpiTarget, PeriodType

__all__ = ["Kpi", "KpiTarget", "PeriodType"]
