"""The form renderer (``settings.FORM_RENDERER``): Django's own widget templates, written
in Python.

Django renders every widget through a template: a text box costs ~0.2 ms of CPU, most of
it template machinery (the widget template includes ``input.html``, which includes
``attrs.html``; a select includes one template per option). The 360° page renders a dozen
widgets, which cost more than all of its database queries.

:class:`WidgetRenderer` is Django's ``DjangoTemplates`` renderer that, for the standard
widget templates the app's forms use (inputs of every type, checkbox, textarea, select),
writes the HTML those templates would write — byte for byte, escaping and localisation
included (``core/tests/test_form_renderer.py`` compares both for every widget type) —
and hands everything else (form and field layouts, error lists, radio lists, file inputs,
any template a widget names itself) to the templates as before.

Why a renderer rather than ``Plain*`` widget classes: every form in the app (and any form
a later issue adds) gets it without choosing a widget per field, the widgets stay
Django's, and the fallback is the real template, so a widget we do not know renders as
it always did. What it gives up: a project template overriding one of these widget
templates would be ignored — the test compares against the templates the app actually
loads, so such an override fails the test instead of going unnoticed."""

from __future__ import annotations

from types import SimpleNamespace

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
INPUT_TYPES = (
    "color",
    "date",
    "datetime",
    "email",
    "hidden",
    "input",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
    "checkbox",
)
OPTION = WIDGETS + "select_option.html"

# What the templates' render context holds for ``{{ value }}``: autoescape on, the active
# language's formats and time zone (the renderer's engine renders with a fresh context)
_CONTEXT = SimpleNamespace(autoescape=True, use_l10n=None, use_tz=None)


class _UseTemplate(Exception):
    """A value the Python writer does not reproduce (a callable the template would call)."""


def _text(value) -> str:
    """``{{ value }}``: localised, then escaped unless already safe."""
    if callable(value):
        raise _UseTemplate
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: ``"%s" % value``, safe if the value was."""
    if callable(value):
        raise _UseTemplate
    try:
        formatted = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (TypeError, ValueError):
        formatted = ""
    return formatted if isinstance(value, SafeData) else escape(formatted)


def _attrs(attrs: dict) -> str:
    """``attrs.html``: ``False`` leaves an attribute out, ``True`` writes its bare name."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(" " + _text(name))
        elif value is not False:
            parts.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>"
    )


def _select(widget: dict) -> str:
    # the whitespace is the template's: each option line ends in the option template's newline
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                raise _UseTemplate
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


WRITERS = {
    **{f"{WIDGETS}{name}.html": _input for name in INPUT_TYPES},
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "select.html": _select,
}


class WidgetRenderer(DjangoTemplates):
    """``DjangoTemplates`` with the common widget templates written in Python."""

    def render(self, template_name, context, request=None):
        writer = WRITERS.get(template_name)
        if writer is not None and "widget" in context:
            try:
                return writer(context["widget"])
            except (_UseTemplate, KeyError):  # KeyError: a custom widget's context lacks a key
                pass
        return super().render(template_name, context, request=request)
