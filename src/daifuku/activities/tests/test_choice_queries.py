"""The colleague lists of the activities forms take one plain query: on the 360° page the
hand-over form's list ran through a server-side cursor on PostgreSQL (three round trips)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daifuku.activities.forms import GoalForm, HandoverForm, NextActionForm, QuickEntryForm
from daifuku.core.tests.cursors import declared_cursors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("form_class", [HandoverForm, QuickEntryForm, NextActionForm, GoalForm])
def test_each_colleague_list_is_one_query(form_class, rep, teammate, other_rep):
    form = form_class()
    lists = [name for name, field in form.fields.items() if hasattr(field, "queryset")]
    with CaptureQueriesContext(connection) as queries, declared_cursors() as declared:
        html = "".join(str(form[name]) for name in lists)
    assert len(queries) == len(lists) == 1 and declared == []
    assert str(teammate) in html


def test_the_person_page_declares_no_cursor(client, rep, teammate, person):
    client.force_login(rep)
    with CaptureQueriesContext(connection) as queries, declared_cursors() as declared:
        page = client.get(f"/customers/people/{person.pk}/")
    assert page.status_code == 200 and 'name="to_user"' in page.content.decode()
    assert declared == [] and not any("DECLARE" in q["sql"] for q in queries)
