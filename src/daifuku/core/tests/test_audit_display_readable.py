"""Audit entries read as Japanese: times in Tokyo to the minute, no empty fields listed for
a new record, actions in words."""

import pytest
from django.utils import translation

from daifuku.core.audit import record
from daifuku.core.audit_display import action_label, readable_changes

pytestmark = pytest.mark.django_db


def test_datetimes_read_in_tokyo_time_and_empty_fields_of_a_create_are_left_out():
    # activities.nextaction's due_at is a labelled field (期日); unlabelled fields (a job run's
    # started_at) are internal and never listed
    entry = record(
        actor="test",
        action="create",
        object_type="activities.nextaction",
        object_id=1,
        object_repr="電話",
        changes={"due_at": [None, "2026-11-15T00:44:27.797262+00:00"], "notes": [None, ""]},
    )
    with translation.override("ja"):
        changes = readable_changes([entry])[entry.pk]
    assert [c.new for c in changes] == ["2026年11月15日 09:44"]


def test_actions_are_words_never_codes():
    with translation.override("ja"):
        assert action_label("create") == "作成"
        assert action_label("seed") == "デモデータを投入"
        assert action_label("something_new") == "記録"
