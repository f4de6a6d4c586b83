"""The app's ModelChoiceField lists its choices with one plain query."""

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daifuku.core.form_fields import ModelChoiceField
from daifuku.core.tests.cursors import declared_cursors

pytestmark = pytest.mark.django_db


def _form(field_class, **kwargs):
    class Form(forms.Form):
        what = field_class(ContentType.objects.order_by("pk"), **kwargs)

    return Form(initial={"what": ContentType.objects.order_by("pk")[2].pk})


@pytest.mark.parametrize(
    "kwargs", [{}, {"empty_label": "誰でも <全員>"}, {"empty_label": None, "required": True}]
)
def test_choices_and_html_are_djangos(kwargs):
    ours, djangos = _form(ModelChoiceField, **kwargs), _form(forms.ModelChoiceField, **kwargs)
    assert list(ours.fields["what"].choices) == list(djangos.fields["what"].choices)
    assert str(ours["what"]) == str(djangos["what"])
    assert len(ours.fields["what"].choices) == len(djangos.fields["what"].choices)


def test_rendering_runs_one_query_and_no_server_side_cursor():
    form = _form(ModelChoiceField)
    with CaptureQueriesContext(connection) as queries, declared_cursors() as declared:
        str(form["what"])
    assert len(queries) == 1 and declared == []


def test_each_rendering_reads_the_rows_afresh():
    form = _form(ModelChoiceField)
    before = str(form["what"])
    ContentType.objects.create(app_label="zz", model="new_kind")
    assert str(form["what"]) != before


def test_a_submitted_choice_is_still_checked_against_the_queryset():
    class Form(forms.Form):
        what = ModelChoiceField(ContentType.objects.filter(app_label="auth"))

    outside = ContentType.objects.exclude(app_label="auth").first()
    assert not Form({"what": outside.pk}).is_valid()
    inside = ContentType.objects.filter(app_label="auth").first()
    form = Form({"what": inside.pk})
    assert form.is_valid() and form.cleaned_data["what"] == inside


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side cursors are PostgreSQL's"
)
def test_djangos_own_field_is_caught_declaring_a_cursor():
    """The watch in the other tests sees what it looks for."""
    with declared_cursors() as declared:
        str(_form(forms.ModelChoiceField)["what"])
    assert len(declared) == 1 and declared[0].startswith("DECLARE ")
