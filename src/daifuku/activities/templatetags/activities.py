from django import template
from django.utils.safestring import mark_safe

from ..rendering import markdown_html

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Markdown → sanitised HTML (see activities.rendering)."""
    return mark_safe(markdown_html(text))  # noqa: S308 - nh3 sanitised
