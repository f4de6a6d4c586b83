"""Form widgets for hot pages.

Django renders every ``<option>`` of a ``Select`` through a template; a list of fifty
colleagues on the 360° page cost more than all of its database queries. ``PlainSelect``
writes the same HTML in Python."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A ``Select`` (flat choices, single value) rendered without per-option templates."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "", "<option value=\"{}\"{}>{}</option>",
            ((key, mark_safe(" selected") if key in chosen else "", label)
             for key, label in ((str("" if option is None else option), label) for option, label in self.choices)),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)
