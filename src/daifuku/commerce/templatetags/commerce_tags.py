"""Money on the order screens: yen as ¥1,080, other currencies in their own unit."""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext_lazy

from ..maths import currency

register = template.Library()

# the sources Daifuku itself writes (the rest are names an integrator or the import chose)
BUILT_IN_SOURCES = {
    "api": pgettext_lazy("order source", "API"),
    "sales": pgettext_lazy("order source", "Won deals"),
    "import": pgettext_lazy("order source", "File import"),
    "demo": pgettext_lazy("order source", "Demo data"),
}


@register.filter
def order_source(source: str) -> str:
    """Where an order came from, in the user's words for the sources Daifuku writes itself."""
    return str(BUILT_IN_SOURCES.get(source, source))


@register.filter
def money(value, source: str = "") -> str:
    """An amount stored in the minor unit of the order's currency — the argument is the
    order's ``currency`` (or, for older callers, its ``source``): ¥1,080 · -¥500 · USD 29.33."""
    if value in (None, ""):
        return "—"
    code = source if source in currency.MINOR_DIGITS else currency.currency_of(source)
    number = int(value)
    sign = "-" if number < 0 else ""
    if code == currency.HOME:
        return f"{sign}¥{abs(number):,}"
    return f"{sign}{code} {currency.display(abs(number), code)}"
