"""The stored membership of segments: materialised from the rules, kept current for one
person after an event about them, and the periodic full check finds nothing to fix."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


def stored(segment) -> set[int]:
    from daifuku.marketing.models import SegmentMembership

    return set(
        SegmentMembership.objects.filter(segment=segment).values_list("person_id", flat=True)
    )


def test_materialise_then_event_then_full_check_is_clean(
    ledger, admin, django_capture_on_commit_callbacks
):
    from daifuku.commerce.services import record_order
    from daifuku.marketing import jobs
    from daifuku.marketing.services import add_members, create_segment, update_segment

    with django_capture_on_commit_callbacks(execute=True):
        buyers = create_segment(
            actor=admin,
            data={
                "name": "購入者",
                "rules": {"all": [{"field": "order_count", "op": "gte", "value": 1}]},
            },
        )
        invited = create_segment(actor=admin, data={"name": "招待", "kind": "static"})
        add_members(actor=admin, segment=invited, person_ids=[ledger["kenta"].pk])
    # created → materialised by the task enqueued on commit
    assert stored(buyers) == {ledger["hanako"].pk, ledger["ichiro"].pk}
    assert stored(invited) == {ledger["kenta"].pk}
    assert jobs.segment_full_check() == {}

    # an order lands for 健太: the event re-evaluates him, nothing is rebuilt
    with django_capture_on_commit_callbacks(execute=True):
        record_order(
            actor=admin,
            number="K1",
            ordered_at=dt.date(2026, 11, 1),
            person=ledger["kenta"],
            lines=[{"product_id": ledger["tea"].pk, "quantity": 1}],
        )
    assert stored(buyers) == {ledger["hanako"].pk, ledger["ichiro"].pk, ledger["kenta"].pk}
    assert jobs.segment_full_check() == {}

    # a touch is logged: a segment on recent touches takes 一郎 in
    from daifuku.activities.services import log_touch

    with django_capture_on_commit_callbacks(execute=True):
        recent = create_segment(
            actor=admin,
            data={
                "name": "最近接触",
                "rules": {"all": [{"field": "days_since_last_touch", "op": "lte", "value": 3}]},
            },
        )
    assert ledger["ichiro"].pk not in stored(recent)
    with django_capture_on_commit_callbacks(execute=True):
        log_touch(actor=admin, data={"summary": "電話", "kind": "call"}, person=ledger["ichiro"])
    assert ledger["ichiro"].pk in stored(recent)
    assert jobs.segment_full_check() == {}

    # new rules: the stored members follow on commit
    with django_capture_on_commit_callbacks(execute=True):
        update_segment(
            actor=admin,
            segment=buyers,
            data={"rules": {"all": [{"field": "order_count", "op": "gte", "value": 2}]}},
        )
    assert stored(buyers) == {ledger["hanako"].pk}
    assert jobs.segment_full_check() == {}


def test_full_check_repairs_what_drifted(ledger, admin):
    from daifuku.marketing import jobs
    from daifuku.marketing.models import SegmentMembership
    from daifuku.marketing.services import create_segment

    segment = create_segment(
        actor=admin,
        data={
            "name": "東京",
            "rules": {"all": [{"field": "prefecture", "op": "eq", "value": "東京都"}]},
        },
    )
    SegmentMembership.objects.create(segment=segment, person=ledger["ichiro"])  # wrong
    drift = jobs.segment_full_check()
    assert (drift[segment.pk].missing, drift[segment.pk].extra) == (1, 1)
    assert stored(segment) == {ledger["hanako"].pk}
    assert jobs.segment_full_check() == {}


def test_stored_rows_read_back_with_their_time(ledger, admin):
    from django.utils import timezone

    from daifuku.marketing import jobs
    from daifuku.marketing.models import SegmentMembership
    from daifuku.marketing.services import create_segment

    segment = create_segment(actor=admin, data={"name": "全員", "rules": {"all": []}})
    before = timezone.now()
    jobs.refresh_segment(segment.pk)
    rows = list(SegmentMembership.objects.filter(segment=segment))
    assert len(rows) == 3 and all(abs((row.since - before).total_seconds()) < 60 for row in rows)


def test_a_rank_change_without_an_order_updates_the_stored_members(
    ledger, admin, django_capture_on_commit_callbacks
):
    """New rank rules re-rank everyone in the background; each customer.rank_changed
    re-evaluates that person, so a segment on the rank follows without a full check."""
    from daifuku.analytics.models import RankRule
    from daifuku.analytics.services.rules import update_rule
    from daifuku.marketing import jobs
    from daifuku.marketing.services import create_segment

    with django_capture_on_commit_callbacks(execute=True):
        gold = create_segment(
            actor=admin,
            data={
                "name": "ゴールド会員",
                "rules": {"all": [{"field": "rank", "op": "eq", "value": "ゴールド"}]},
            },
        )
    assert stored(gold) == set()
    rule = RankRule.objects.get(name="ゴールド")
    with django_capture_on_commit_callbacks(execute=True):
        # ゴールド from ¥4,000 over all time: 花子 (¥4,400) rises
        update_rule(actor=admin, rule=rule, data={"min_amount": 4_000, "period_months": 0})
    assert stored(gold) == {ledger["hanako"].pk}
    assert jobs.segment_full_check() == {}


def test_many_rank_changes_at_once_queue_one_set_based_refresh(
    ledger, admin, settings, django_capture_on_commit_callbacks
):
    """New rank rules (like the full rebuild and the nightly decay) move many ranks at once:
    marketing queues one refresh of the rule segments, not a task per person, and that one
    refresh leaves the stored members as the rules say."""
    from django_tasks_db.models import DBTaskResult

    from daifuku.analytics.jobs import rerank
    from daifuku.analytics.models import RankRule
    from daifuku.analytics.services.rules import update_rule
    from daifuku.marketing import jobs, reactions
    from daifuku.marketing.services import create_segment

    with django_capture_on_commit_callbacks(execute=True):
        gold = create_segment(
            actor=admin,
            data={
                "name": "ゴールド会員",
                "rules": {"all": [{"field": "rank", "op": "eq", "value": "ゴールド"}]},
            },
        )
    assert stored(gold) == set()
    # from here jobs wait in the database for a worker, as in production
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "imports", "mail"],
        }
    }
    reactions._bulk_refresh.update(result=None, checked=0.0)
    rule = RankRule.objects.get(name="ゴールド")
    with django_capture_on_commit_callbacks(execute=True):
        # ゴールド from ¥1 over all time: every buyer rises at once
        update_rule(actor=admin, rule=rule, data={"min_amount": 1, "period_months": 0})
    # the rules' change queued analytics' re-rank; a worker runs it
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "daifuku.analytics.jobs.rerank"
    ]
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        rerank.call()
    queued = list(DBTaskResult.objects.values_list("task_path", flat=True))
    per_person = [path for path in queued if path.endswith("refresh_customer_task")]
    bulk = [path for path in queued if path.endswith("refresh_rule_segments_task")]
    assert per_person == [] and len(bulk) == 1, queued
    jobs.refresh_rule_segments_task.call()
    assert len(stored(gold)) >= 2
    assert jobs.segment_full_check() == {}
