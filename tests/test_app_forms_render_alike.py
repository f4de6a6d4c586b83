"""The app's forms render the same HTML through WidgetRenderer as through Django's
templates (the widget by widget comparisons are in core/tests/test_form_renderer.py)."""

import pytest

from daifuku.core.tests.test_form_renderer import FAST, NASTY, SLOW


def _app_forms():
    from daifuku.activities import forms as activities
    from daifuku.customers import forms as customers

    return [
        customers.HouseholdForm,
        customers.ContactForm,
        customers.ConsentForm,
        customers.PersonForm,
        customers.CompanyForm,
        customers.TagForm,
        customers.CustomFieldForm,
        activities.TouchForm,
        activities.QuickEntryForm,
        activities.NextActionForm,
        activities.HandoverForm,
        activities.GoalForm,
        activities.ReportForm,
        activities.CommentForm,
    ]


BOUND = {
    "name": NASTY,
    "kana": "<ヤマダ>",
    "relation": "spouse",
    "birthday": "2026-12-03",
    "notes": "&amp;",
    "department": '営業部 "一課"',
    "is_key_person": "on",
    "company": "x",
    "channel": "email",
    "evidence": "",
    "summary": NASTY,
    "body": "line 1\n<line 2>",
    "follow_up": "on",
    "occurred_at": "not a date",
    "to_user": "999",
    "note": "'quoted'",
    "target": "-1",
    "family_name": NASTY,
    "emails": "a@example.jp\nb",
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["empty", "submitted with errors", "initial"])
def test_the_app_forms_render_identically(state, rep, teammate):
    data = BOUND if state == "submitted with errors" else None
    initial = (
        {
            "owner": rep.pk,
            "team": rep.team_id,
            "to_user": teammate.pk,
            "kind": "call",
            "name": NASTY,
            "is_key_person": True,
            "follow_up": True,
            "notes": NASTY,
        }
        if state == "initial"
        else None
    )
    with_errors = 0
    for form_class in _app_forms():
        fast = form_class(data, initial=initial, renderer=FAST)
        slow = form_class(data, initial=initial, renderer=SLOW)
        assert fast.as_div() == slow.as_div(), form_class.__name__
        with_errors += bool(fast.errors)
        for fast_field, slow_field in zip(fast, slow, strict=True):
            assert str(fast_field) == str(slow_field), f"{form_class.__name__}.{fast_field.name}"
    # the error lists (rendered by their templates) are part of what is compared
    assert (with_errors > 5) == (data is not None)
