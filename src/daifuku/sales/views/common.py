"""Helpers the sales views share."""

from __future__ import annotations

from django.utils import timezone

from ..maths.periods import PeriodError, parse_period, period_containing
from ..selectors import sales_settings

__all__ = [
    "attempt",
    "form_error_text",
    "chosen_period",
    "fiscal_start",
]


def attempt(request, call, success: str) -> bool:
    """Run a service for a plain POST form: its refusal becomes an error message (with the
    field messages), success a success message."""
    from django.contrib import messages

    from daifuku.core.errors import DomainError

    try:
        call()
    except DomainError as exc:
        messages.error(
            request, "; ".join(m for msgs in exc.errors.values() for m in msgs) or str(exc.message)
        )
        return False
    messages.success(request, success)
    return True


def form_error_text(form) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


def fiscal_start() -> int:
    return sales_settings().fiscal_year_start_month


def chosen_period(request, default_kind: str = "month"):
    """The period named by ``?period=`` (2026-05, 2026-Q1, FY2026), else the current one."""
    start_month = fiscal_start()
    try:
        return parse_period(request.GET.get("period", ""), start_month)
    except PeriodError:
        return period_containing(timezone.localdate(), default_kind, start_month)
