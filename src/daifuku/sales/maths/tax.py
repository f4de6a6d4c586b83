"""Consumption tax on a quote, インボイス制度 (適格請求書) style: the lines are summed per
tax rate, the tax is computed once per rate on that sum, and fractions of a yen are
rounded down (切り捨て). Never per line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

RATES = {"standard": 10, "reduced": 8}
ROUNDING = "floor"


@dataclass(frozen=True)
class RateTotal:
    rate: int
    taxable: int
    tax: int


@dataclass(frozen=True)
class TaxSummary:
    per_rate: list[RateTotal]
    subtotal: int
    tax: int

    @property
    def total(self) -> int:
        return self.subtotal + self.tax


def compute(lines: Iterable[tuple[int, str]]) -> TaxSummary:
    """``(line_total_yen, tax_category)`` → per-rate totals, highest rate first."""
    taxable: dict[int, int] = {}
    for amount, category in lines:
        rate = RATES[category]
        taxable[rate] = taxable.get(rate, 0) + int(amount)
    per_rate = [RateTotal(rate, base, base * rate // 100) for rate, base in sorted(taxable.items(), reverse=True)]
    return TaxSummary(per_rate, sum(r.taxable for r in per_rate), sum(r.tax for r in per_rate))
