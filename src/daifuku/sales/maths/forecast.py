"""Forecast arithmetic on integer yen.

Weighted pipeline = Σ amount × probability / 100. The products are summed exactly (in
yen-percent) and divided once at the end, rounding half up (四捨五入) to the yen, so the
total does not drift with the number of deals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

ROUNDING = "half_up"


def round_percent(yen_percent: int) -> int:
    """yen × percent → yen, rounding half up (values are never negative here)."""
    return (int(yen_percent) + 50) // 100


@dataclass
class Totals:
    deals: int = 0
    unweighted: int = 0
    weighted_exact: int = 0  # Σ amount × probability (yen-percent)
    by_category: dict[str, int] = field(default_factory=dict)

    @property
    def weighted(self) -> int:
        return round_percent(self.weighted_exact)

    def as_dict(self) -> dict:
        return {
            "deals": self.deals,
            "unweighted": self.unweighted,
            "weighted": self.weighted,
            "by_category": dict(self.by_category),
        }


def totals_from_deals(deals: Iterable[tuple[int, int, str]]) -> Totals:
    """``(amount, probability, forecast_category)`` rows → totals."""
    totals = Totals()
    for amount, probability, category in deals:
        totals.deals += 1
        totals.unweighted += amount
        totals.weighted_exact += amount * probability
        totals.by_category[category] = totals.by_category.get(category, 0) + amount
    return totals


def totals_from_sums(rows: Iterable[tuple[str, int, int, int]]) -> Totals:
    """Rows of ``(category, count, Σ amount, Σ amount × probability)`` as one GROUP BY
    returns them → the same totals as :func:`totals_from_deals`."""
    totals = Totals()
    for category, count, amount, exact in rows:
        totals.deals += int(count or 0)
        totals.unweighted += int(amount or 0)
        totals.weighted_exact += int(exact or 0)
        totals.by_category[category] = totals.by_category.get(category, 0) + int(amount or 0)
    return totals


@dataclass(frozen=True)
class Attainment:
    target: int
    actual: int
    forecast: int  # actual + weighted open pipeline expected to close before the period ends

    @property
    def percent(self) -> float | None:
        return None if not self.target else round(self.actual * 100 / self.target, 1)

    @property
    def forecast_percent(self) -> float | None:
        return None if not self.target else round(self.forecast * 100 / self.target, 1)

    @property
    def gap(self) -> int:
        return max(0, self.target - self.actual)


def attainment(*, target: int, actual: int, open_weighted: int) -> Attainment:
    return Attainment(target=target, actual=actual, forecast=actual + open_weighted)
