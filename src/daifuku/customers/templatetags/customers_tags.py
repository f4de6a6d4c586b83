"""Template filters of the customer ledger pages."""

from __future__ import annotations

from django import template

from daifuku.core.japanese import normalize_phone, phone_digits

register = template.Library()


@register.filter
def tel_uri(number: str | None) -> str:
    """The dialable form of a phone number for a ``tel:`` link (E.164, +81…; the bare
    digits when it is no Japanese number), so one tap on a phone calls the customer."""
    phone = normalize_phone(number or "")
    return phone.e164 if phone else phone_digits(number or "")
