"""Consumption tax on an order or a quote, インボイス制度 (適格請求書) style: the lines are
summed per tax rate, the tax is computed once per rate on that sum, and fractions of a yen
are rounded down (切り捨て). Never per line.

A return is not taxed on its own: the tax of what is left after it (computed the same way
on the remaining sum per rate) minus the tax before it, so an order's figures net of its
returns are always exactly what the remaining lines would have cost (:func:`reversal`)."""

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
    return compute_by_rate((amount, RATES[category]) for amount, category in lines)


def tax_on(base: int, rate: int) -> int:
    """The tax on one rate's sum, rounded down (a negative sum is not expected here)."""
    return base * rate // 100


def compute_by_rate(lines: Iterable[tuple[int, int]]) -> TaxSummary:
    """``(line_total_yen, rate_percent)`` → per-rate totals, highest rate first."""
    taxable: dict[int, int] = {}
    for amount, rate in lines:
        taxable[int(rate)] = taxable.get(int(rate), 0) + int(amount)
    per_rate = [
        RateTotal(rate, base, tax_on(base, rate))
        for rate, base in sorted(taxable.items(), reverse=True)
    ]
    return TaxSummary(per_rate, sum(r.taxable for r in per_rate), sum(r.tax for r in per_rate))


def from_inclusive(total: int, rate: int) -> TaxSummary:
    """An amount known only tax-inclusive (税込): the tax it contains, rounded down
    (``total × rate / (100 + rate)``), the rest is the taxable sum."""
    tax = total * rate // (100 + rate)
    return TaxSummary([RateTotal(rate, total - tax, tax)], total - tax, tax)


def reversal(before: dict[int, tuple[int, int]], removed: dict[int, int]) -> TaxSummary:
    """The reversing figures of a return: ``before`` is ``{rate: (taxable, tax)}`` still
    standing, ``removed`` the taxable yen returned per rate. Per rate, the taxable sum and
    the tax go down by exactly the difference between before and after, so the net tax is
    always the tax of the net sum rounded down once. Amounts come out negative."""
    per_rate = []
    for rate in sorted(removed, reverse=True):
        base, tax = before.get(rate, (0, 0))
        left = base - removed[rate]
        per_rate.append(RateTotal(rate, -removed[rate], tax_on(left, rate) - tax))
    return TaxSummary(per_rate, sum(r.taxable for r in per_rate), sum(r.tax for r in per_rate))
