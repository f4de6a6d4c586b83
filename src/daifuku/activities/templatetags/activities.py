from django import template
from django.utils.safestring import mark_safe

from ..rendering import markdown_html

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Markdown → sanitised HTML (see activities.rendering)."""
    return mark_safe(markdown_html(text))  # noqa: S308 - nh3 sanitised


@register.filter
def phone_of(customer):
    """The number to call a customer on (the primary one first), from phones the selector
    prefetched; None when the customer has none."""
    if customer is None:
        return None
    phones = list(customer.phones.all())
    return min(phones, key=lambda p: (not p.is_primary, p.pk)) if phones else None
