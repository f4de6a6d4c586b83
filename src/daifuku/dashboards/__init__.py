"""Dashboards and KPIs: the analytics area's charts and the KPI targets, in the top layer because they span every domain."""
