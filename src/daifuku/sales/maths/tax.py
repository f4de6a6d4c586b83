"""Consumption tax on a quote: the one calculation lives in commerce (sales sells from the
same catalog and rounds the same way); see :mod:`daifuku.commerce.maths.tax`."""

from daifuku.commerce.maths.tax import RATES, ROUNDING, RateTotal, TaxSummary, compute

__all__ = ["RATES", "ROUNDING", "RateTotal", "TaxSummary", "compute"]
