import datetime as dt

import pytest
from django.db import transaction

from daifuku.core import events, schedule, timeline
from daifuku.core.audit import diff
from daifuku.core.errors import ValidationFailed
from daifuku.core.pagination import decode_cursor, encode_cursor


def test_emit_runs_after_commit_and_not_on_rollback(db, django_capture_on_commit_callbacks):
    events.declare(
        "test.happened", meaning="a test event", payload={"n": "int"}, emitted_by="tests"
    )
    seen = []
    events.subscribe("test.happened", lambda **kw: seen.append(kw["n"]))
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("test.happened", n=1)
        assert seen == []
    assert seen == [1]
    try:
        with transaction.atomic():
            events.emit("test.happened", n=2)
            raise RuntimeError
    except RuntimeError:
        pass
    assert seen == [1]


def test_a_failing_reaction_does_not_break_the_change(
    db, django_capture_on_commit_callbacks, caplog
):
    def broken(**kw):
        raise ValueError("boom")

    events.declare("test.broken", meaning="a test event", payload={}, emitted_by="tests")
    events.subscribe("test.broken", broken)
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("test.broken")
    assert "boom" in caplog.text or "failed" in caplog.text


def test_gather_collects_participants_results():
    events.declare(
        "test.gather",
        meaning="a test event",
        payload={"x": "int"},
        emitted_by="tests",
        in_transaction=True,
    )
    events.participate("test.gather", lambda **kw: kw["x"] * 2)
    assert events.gather("test.gather", x=21) == [42]


def test_an_undeclared_event_or_payload_is_refused_under_the_tests():
    """A misspelt event name would be a reaction that never runs: the tests refuse it, and a
    payload that is not the declared one, and the wrong kind of dispatch."""
    with pytest.raises(events.UndeclaredEvent, match="not declared"):
        events.subscribe("deal.wonn", lambda **kw: None)
    with pytest.raises(events.UndeclaredEvent, match="not declared"):
        events.emit("deal.wonn", deal_id=1)
    with pytest.raises(events.UndeclaredEvent, match="carries"):
        events.emit("deal.created", deal=object())
    with pytest.raises(events.UndeclaredEvent, match="gather/participate"):
        events.subscribe("customer.merging", lambda **kw: None)
    with pytest.raises(events.UndeclaredEvent, match="emit/subscribe"):
        events.gather("deal.created", deal_id=1)
    assert "deal.wonn" not in events._after_commit


def test_registries_are_restored_after_each_test_part_one():
    events.declare("test.leaked", meaning="a test event", payload={}, emitted_by="tests")
    events.subscribe("test.leaked", print)
    timeline.register("test-leaked", "accounts.user", lambda **kw: [])


def test_registries_are_restored_after_each_test_part_two():
    """(runs after part one) what part one registered is gone."""
    assert "test.leaked" not in events.CATALOGUE and "test.leaked" not in events._after_commit
    assert "test-leaked" not in timeline.sources_for("accounts.user")


def test_audit_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}


def test_cursor_round_trip_and_garbage():
    assert decode_cursor(encode_cursor(["タナカ", 5]), 2) == ["タナカ", 5]
    with pytest.raises(ValidationFailed):
        decode_cursor("!!!", 2)
    with pytest.raises(ValidationFailed):
        decode_cursor(encode_cursor([1]), 2)


def test_timeline_merges_sources_newest_first(db, rep):
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def source_a(**kw):
        return [
            timeline.TimelineItem(at=t0 + dt.timedelta(days=d), kind="a", title=f"a{d}")
            for d in (5, 3, 1)
        ]

    def source_b(**kw):
        return [
            timeline.TimelineItem(at=t0 + dt.timedelta(days=d), kind="b", title=f"b{d}")
            for d in (4, 2)
        ]

    timeline.register("test-a", "accounts.user", source_a)
    timeline.register("test-b", "accounts.user", source_b)
    items = timeline.collect(rep, user=rep, limit=4)
    assert [i.title for i in items] == ["a5", "b4", "a3", "b2"]


def test_schedule_runs_a_job_once_per_interval(db):
    calls = []
    schedule.every(3600, "test-hourly", lambda: calls.append(1))
    now = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
    assert "test-hourly" in schedule.run_due(now)
    assert "test-hourly" not in schedule.run_due(now + dt.timedelta(minutes=10))
    assert "test-hourly" in schedule.run_due(now + dt.timedelta(hours=2))
    assert len(calls) == 2
