"""Amounts in a currency other than yen (an order history exported from an overseas shop,
the CDNOW sample in US dollars).

How they are stored: an order's amounts are integers in the **minor unit** of its
currency — yen for JPY (no decimals), cents for USD and EUR ($29.33 is 2933) — so every
figure stays an exact integer and sums, returns and metrics need no floats. Which
currency an order is in is part of its ``source``: ``import`` is yen, ``import:USD`` is
US dollars in cents (``currency_of``). Orders from the API, the till and won deals are in
yen. Analytics that mix currencies must group by ``currency_of`` first; a dedicated
currency column is the next step once the order table can be migrated."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

#: ISO 4217 code → digits of its minor unit (those an order file is likely to carry).
MINOR_DIGITS: dict[str, int] = {
    "JPY": 0,
    "KRW": 0,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CNY": 2,
    "TWD": 2,
    "HKD": 2,
    "SGD": 2,
    "AUD": 2,
    "CAD": 2,
}
HOME = "JPY"
SEPARATOR = ":"


def digits(currency: str) -> int:
    return MINOR_DIGITS[currency]


def to_minor(text: str, currency: str = HOME) -> int:
    """``"29.33"`` in USD → 2933; ``"¥1,080"`` / ``"1080円"`` in JPY → 1080. Raises
    ValueError on anything else, or on more decimals than the currency has (a yen amount
    with 銭, a dollar amount with a tenth of a cent)."""
    cleaned = str(text).strip().replace(",", "").replace("，", "")
    for mark in ("¥", "￥", "円", "$", "US$", "€", "£"):
        cleaned = cleaned.replace(mark, "")
    cleaned = cleaned.strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(cleaned) from exc
    if not value.is_finite():
        raise ValueError(cleaned)
    scaled = value.scaleb(digits(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(cleaned)
    return int(scaled)


def source_for(source: str, currency: str) -> str:
    """The order source that says the currency: ``import`` (yen), ``import:USD``."""
    return source if currency == HOME else f"{source}{SEPARATOR}{currency}"


def currency_of(source: str) -> str:
    """The currency an order of this ``source`` is in (yen unless the source says)."""
    _base, sep, code = (source or "").rpartition(SEPARATOR)
    return code if sep and code in MINOR_DIGITS else HOME


def display(amount: int, currency: str) -> str:
    """``1,080`` for yen, ``29.33`` for 2933 cents — the number as a person reads it."""
    places = digits(currency)
    if not places:
        return f"{amount:,}"
    value = Decimal(amount).scaleb(-places)
    return f"{value:,.{places}f}"
