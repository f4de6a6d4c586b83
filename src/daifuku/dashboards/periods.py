"""KPI periods: months, quarters and 年度 (fiscal years) starting in April."""

from __future__ import annotations

import datetime as dt

from .models import PeriodType

FISCAL_START = 4


def start_of(day: dt.date, period_type: str) -> dt.date:
    """The first day of the period that contains ``day``."""
    if period_type == PeriodType.MONTH:
        return day.replace(day=1)
    fy = _fy_start(day)
    if period_type == PeriodType.QUARTER:
        months_in = (day.year * 12 + day.month) - (fy.year * 12 + fy.month)
        return _add_months(fy, months_in - months_in % 3)
    return fy


def _fy_start(day: dt.date) -> dt.date:
    year = day.year if day.month >= FISCAL_START else day.year - 1
    return dt.date(year, FISCAL_START, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def length(period_type: str) -> int:
    return {PeriodType.MONTH: 1, PeriodType.QUARTER: 3, PeriodType.FISCAL_YEAR: 12}[
        PeriodType(period_type)
    ]


def end_of(start: dt.date, period_type: str) -> dt.date:
    return _add_months(start, length(period_type)) - dt.timedelta(days=1)


def shift(start: dt.date, period_type: str, n: int) -> dt.date:
    return _add_months(start, n * length(period_type))


def label(start: dt.date, period_type: str) -> str:
    """「2026年4月」, 「2026年度 第1四半期」, 「2026年度」 (the period's name as a manager says it)."""
    from django.utils.translation import gettext as _

    fy = start.year if start.month >= FISCAL_START else start.year - 1
    if period_type == PeriodType.MONTH:
        return _("%(year)d-%(month)02d") % {"year": start.year, "month": start.month}
    if period_type == PeriodType.QUARTER:
        quarter = (start.month - FISCAL_START) % 12 // 3 + 1
        return _("FY%(year)d Q%(quarter)d") % {"year": fy, "quarter": quarter}
    return _("FY%(year)d") % {"year": fy}


def recent(period_type: str, count: int, today: dt.date) -> list[dt.date]:
    """Starts of the ``count`` periods up to and including the current one, oldest first."""
    current = start_of(today, period_type)
    return [shift(current, period_type, -i) for i in range(count - 1, -1, -1)]
