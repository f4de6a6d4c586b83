"""Money on the order screens: yen as ¥1,080, other currencies in their own unit."""

from __future__ import annotations

from django import template

from ..maths import currency

register = template.Library()


@register.filter
def money(value, source: str = "") -> str:
    """An amount stored in the minor unit of the order's currency (``source`` says which):
    ¥1,080 · -¥500 · USD 29.33."""
    if value in (None, ""):
        return "—"
    code = currency.currency_of(source)
    number = int(value)
    sign = "-" if number < 0 else ""
    if code == currency.HOME:
        return f"{sign}¥{abs(number):,}"
    return f"{sign}{code} {currency.display(abs(number), code)}"
