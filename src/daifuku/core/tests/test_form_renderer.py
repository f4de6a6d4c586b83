"""WidgetRenderer writes, byte for byte, what Django's widget templates write."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from daifuku.core.form_renderer import WRITERS, WidgetRenderer


class PythonOnly(WidgetRenderer):
    """Fails a test whose widget falls back to a template, so the Python writers are what
    the comparisons compare."""

    def get_template(self, template_name):
        raise AssertionError(f"rendered through {template_name}")


FAST, SLOW, PYTHON = WidgetRenderer(), DjangoTemplates(), PythonOnly()

NASTY = "山田 <花子> & \"佐藤\" 'さん'"
VALUES = [
    None,
    "",
    "abc",
    NASTY,
    "  空白  ",
    0,
    1234567,
    mark_safe("<b>safe</b>"),
    gettext_lazy("Name"),
]
ATTRS = [
    {},
    {"id": "id_x", "required": True},
    {
        "id": "id_x",
        "placeholder": NASTY,
        "maxlength": 100,
        "autofocus": True,
        "disabled": False,
        "aria-describedby": "id_x_helptext",
        "aria-invalid": "true",
        "data-x": 0,
        "inputmode": "numeric",
    },
]
INPUTS = [
    forms.TextInput,
    forms.EmailInput,
    forms.NumberInput,
    forms.URLInput,
    forms.HiddenInput,
    forms.SearchInput,
    forms.TelInput,
    forms.ColorInput,
    forms.TimeInput,
    forms.DateTimeInput,
    forms.Textarea,
    lambda: forms.DateInput(attrs={"type": "date"}),
    lambda: forms.PasswordInput(render_value=True),
]


def _both(widget, value, attrs=None, renderer=PYTHON) -> tuple[str, str]:
    return (
        widget.render("field", value, attrs, renderer=renderer),
        widget.render("field", value, attrs, renderer=SLOW),
    )


def _same(widget, value, attrs=None, renderer=PYTHON) -> str:
    fast, slow = _both(widget, value, attrs, renderer)
    assert fast == slow
    return fast


def test_the_app_renders_forms_with_it():
    assert isinstance(get_default_renderer(), WidgetRenderer)


def test_it_writes_only_templates_that_exist_in_django():
    for name in WRITERS:
        assert SLOW.get_template(name) is not None


@pytest.mark.parametrize("make", INPUTS)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("attrs", ATTRS)
def test_inputs_and_textarea(make, value, attrs):
    _same(make(), value, attrs)


@pytest.mark.parametrize("value", [None, datetime.date(2026, 12, 3), "2026-12-03"])
def test_dates_are_formatted_like_the_template(value):
    for widget in (
        forms.DateInput(attrs={"type": "date"}),
        forms.DateInput(),
        forms.DateTimeInput(),
    ):
        with translation.override("ja"):
            _same(widget, value)


@pytest.mark.parametrize("value", [None, True, False, "", "on", NASTY])
@pytest.mark.parametrize("attrs", ATTRS)
def test_checkbox_checked_or_not(value, attrs):
    _same(forms.CheckboxInput(), value, attrs)


CHOICES = [
    ("", "—"),
    ("1", NASTY),
    (2, "二"),
    (None, "none"),
    (mark_safe("<b>"), mark_safe("<i>safe</i>")),
    ("lazy", gettext_lazy("Name")),
    ("big", 1234567),
    ("day", datetime.date(2026, 12, 3)),
]
GROUPED = [
    ("", "—"),
    (NASTY, [("a", "甲"), ("b", "乙 & 丙")]),
    ("c", "丁"),
    ("group 2", [(3, "三")]),
]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []])
@pytest.mark.parametrize("value", [None, "", "1", 2, "2", "b", 3, "<b>", "missing"])
@pytest.mark.parametrize("attrs", ATTRS)
def test_select_options_and_groups(choices, value, attrs):
    _same(forms.Select(choices=choices), value, attrs)


@pytest.mark.parametrize("value", [None, [], ["1", "2"], ["a", "c", "<b>"]])
def test_select_multiple(value):
    for choices in (CHOICES, GROUPED):
        _same(forms.SelectMultiple(choices=choices), value, {"id": "id_x"})


@override_settings(USE_THOUSAND_SEPARATOR=True)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_labels_are_localised_like_the_template(language):
    with translation.override(language):
        assert "1,234,567" in _same(forms.Select(choices=CHOICES), "big")


def test_a_custom_option_template_or_callable_attribute_renders_through_the_template():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    assert "<label><input" in _same(Custom(choices=CHOICES), "1", renderer=FAST)
    assert 'data-x="called"' in _same(
        forms.TextInput(), "x", {"data-x": lambda: "called"}, renderer=FAST
    )


def test_other_templates_are_the_templates():
    _same(forms.RadioSelect(choices=CHOICES), "1", renderer=FAST)
    _same(forms.CheckboxSelectMultiple(choices=CHOICES), ["1"], renderer=FAST)
    _same(forms.ClearableFileInput(), None, {"id": "id_x"}, renderer=FAST)
