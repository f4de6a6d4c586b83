"""Reporting periods: calendar months, fiscal quarters and fiscal years.

A fiscal year is named after the calendar year it starts in (2026年度 = April 2026 –
March 2027 when the year starts in April), as Japanese companies do. Period keys:
``2026-05`` (a month), ``2026-Q1`` (first quarter of fiscal 2026), ``FY2026``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^FY(\d{4})$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    key: str
    kind: str  # month | quarter | year
    start: dt.date
    end: dt.date  # inclusive

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def _span(year: int, month: int, months: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end_year, end_month = add_months(year, month, months)
    return start, dt.date(end_year, end_month, 1) - dt.timedelta(days=1)


def fiscal_year_of(day: dt.date, start_month: int = 4) -> int:
    return day.year if day.month >= start_month else day.year - 1


def parse_period(key: str, start_month: int = 4) -> Period:
    """The period a key names; :class:`PeriodError` for anything else."""
    key = (key or "").strip()
    if match := _MONTH.match(key):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12 or year < 1900:
            raise PeriodError(key)
        return Period(key, "month", *_span(year, month, 1))
    if match := _QUARTER.match(key):
        year, quarter = int(match[1]), int(match[2])
        first_year, first_month = add_months(year, start_month, 3 * (quarter - 1))
        return Period(key, "quarter", *_span(first_year, first_month, 3))
    if match := _YEAR.match(key):
        return Period(key, "year", *_span(int(match[1]), start_month, 12))
    raise PeriodError(key)


def period_containing(day: dt.date, kind: str, start_month: int = 4) -> Period:
    if kind == "month":
        return parse_period(f"{day.year:04d}-{day.month:02d}", start_month)
    fiscal_year = fiscal_year_of(day, start_month)
    if kind == "year":
        return parse_period(f"FY{fiscal_year}", start_month)
    months_in = (day.year * 12 + day.month) - (fiscal_year * 12 + start_month)
    return parse_period(f"{fiscal_year}-Q{months_in // 3 + 1}", start_month)


def months_of(period: Period) -> list[Period]:
    """The calendar months a period covers, in order."""
    result = []
    year, month = period.start.year, period.start.month
    while dt.date(year, month, 1) <= period.end:
        result.append(parse_period(f"{year:04d}-{month:02d}"))
        year, month = add_months(year, month, 1)
    return result
