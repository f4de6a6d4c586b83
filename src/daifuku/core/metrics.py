"""The metric catalogue: every number a KPI can follow (売上, 新規顧客, 2回目購入率 …).

KPIs live with the dashboards in the top layer and span every domain, but the domains
below must not be imported from there upwards-looking code; so each domain registers the
metrics it can compute in its ``AppConfig.ready()``::

    metrics.register("commerce.revenue", _("Revenue"), compute, unit="yen")

``compute(period_start, period_end, scope)`` returns the metric's value over the dates
``period_start`` ≤ day ≤ ``period_end`` (both inclusive, days in Japan time) for the
organisation, or for the part ``scope`` names (a team or a user who owns the customers,
touches or deals). A metric that cannot tell a scope apart ignores it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Scope:
    """Whose figures: the whole organisation (both None), one team or one user."""

    team_id: int | None = None
    user_id: int | None = None


EVERYONE = Scope()


@dataclass(frozen=True)
class Metric:
    key: str
    label: object  # a lazy translation
    compute: Callable[[dt.date, dt.date, Scope], float | int | None]
    unit: str = "count"  # "yen", "count", "rate" (0–1), "days"
    domain: str = ""
    higher_is_better: bool = True


_metrics: dict[str, Metric] = {}


def register(
    key: str,
    label,
    compute: Callable[[dt.date, dt.date, Scope], float | int | None],
    *,
    unit: str = "count",
    domain: str = "",
    higher_is_better: bool = True,
) -> None:
    """Add (or replace, on a reload) a metric of the catalogue."""
    _metrics[key] = Metric(key, label, compute, unit, domain or key.split(".")[0], higher_is_better)


def get(key: str) -> Metric | None:
    return _metrics.get(key)


def catalogue() -> list[Metric]:
    """Every registered metric, by key."""
    return [_metrics[key] for key in sorted(_metrics)]


def value(key: str, start: dt.date, end: dt.date, scope: Scope = EVERYONE):
    metric = _metrics.get(key)
    if metric is None:
        raise KeyError(key)
    return metric.compute(start, end, scope)


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes [start 00:00, end+1 00:00) in Japan time, for ``__gte`` / ``__lt``."""
    tz = timezone.get_default_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return first, after


__all__ = ["EVERYONE", "Metric", "Scope", "bounds", "catalogue", "get", "register", "value"]
