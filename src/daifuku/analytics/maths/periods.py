"""Months and 年度 (fiscal years) as integer indexes over numpy date arrays.

A Japanese business year (年度) starts in April by default: 2025-03-31 is in 2024年度,
2025-04-01 in 2025年度. Labels follow the sales app's period keys ("2025-04", "FY2025")."""

from __future__ import annotations

import datetime as dt

import numpy as np


def month_index(dates) -> np.ndarray:
    """Months since 1970-01 (1970-01 = 0)."""
    return np.asarray(dates, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64)


def fiscal_years(dates, start_month: int = 4) -> np.ndarray:
    """The fiscal year each date belongs to, named by the calendar year it starts in."""
    months = month_index(dates)
    return 1970 + (months - (start_month - 1)) // 12


def fiscal_year_bounds(year: int, start_month: int = 4) -> tuple[dt.date, dt.date]:
    """First and last day of fiscal ``year`` (2025, April → 2025-04-01 … 2026-03-31)."""
    return dt.date(year, start_month, 1), dt.date(year + 1, start_month, 1) - dt.timedelta(days=1)


def period_index(dates, period: str, start_month: int = 4) -> np.ndarray:
    if period == "month":
        return month_index(dates)
    if period == "fiscal_year":
        return fiscal_years(dates, start_month)
    raise ValueError(f"unknown period {period!r}: 'month' or 'fiscal_year'")


def period_label(index: int, period: str, start_month: int = 4) -> str:
    if period == "month":
        return f"{1970 + index // 12:04d}-{index % 12 + 1:02d}"
    return f"FY{index}"
