"""Template filters for money and percentages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def yen(value) -> str:
    """1234567 → ¥1,234,567, a discount -10000 → -¥10,000 (integer yen; — for None)."""
    if value in (None, ""):
        return "—"
    try:
        number = int(value)
        return f"-¥{-number:,}" if number < 0 else f"¥{number:,}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def bar(value, maximum) -> int:
    """Width in percent of a chart bar."""
    try:
        return max(0, min(100, round(int(value) * 100 / int(maximum)))) if maximum else 0
    except (TypeError, ValueError, ZeroDivisionError):
        return 0
