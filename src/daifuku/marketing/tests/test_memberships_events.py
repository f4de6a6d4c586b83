"""Stored membership kept current by events alone (issue 20): after orders, a rank
change, consent changes, touches, a merge, the trash and list changes on a generated
ledger, the full check finds nothing to fix; each change of membership is a
``segment.entered`` / ``segment.left`` event with its reason; the calendar step
re-evaluates the segments on relative dates once a day."""

from __future__ import annotations

import datetime as dt
import random

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """Every segment.entered / segment.left emitted, as (event, segment, person, reason)."""
    from daifuku.core import events

    log: list[tuple[str, int, int, str]] = []

    def entered(*, segment_id, person_id, reason):
        log.append(("entered", segment_id, person_id, reason))

    def left(*, segment_id, person_id, reason):
        log.append(("left", segment_id, person_id, reason))

    events.subscribe("segment.entered", entered)
    events.subscribe("segment.left", left)
    yield log
    events._after_commit["segment.entered"].remove(entered)
    events._after_commit["segment.left"].remove(left)


SEGMENTS = {
    "メール許諾": {"all": [{"field": "consent_email", "op": "eq", "value": "opted_in"}]},
    "リピーター": {"all": [{"field": "order_count", "op": "gte", "value": 2}]},
    "茶器購入": {"all": [{"field": "bought_category", "op": "eq", "value": "茶器"}]},
    "お茶3000円以上": {"all": [{"field": "category_amount.お茶", "op": "gte", "value": 3000}]},
    "シルバー以上": {"all": [{"field": "rank", "op": "gte", "value": "シルバー"}]},
    "最近接触": {"all": [{"field": "days_since_last_touch", "op": "lte", "value": 7}]},
    "東京の許諾者": {
        "all": [
            {"field": "prefecture", "op": "eq", "value": "東京都"},
            {"any": [{"field": "consent_email", "op": "eq", "value": "opted_in"},
                     {"field": "tag", "op": "contains", "value": "VIP"}]},
        ]
    },
}  # fmt: skip


def test_events_keep_every_segment_current_so_the_full_check_finds_nothing(
    ledger, admin, heard, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from daifuku.activities.services import log_touch
    from daifuku.analytics.models import RankRule
    from daifuku.analytics.services.rules import update_rule
    from daifuku.commerce.services import record_order
    from daifuku.customers.dedup.services.merge import merge_people
    from daifuku.customers.services import create_person, delete_person, record_consent
    from daifuku.marketing import jobs
    from daifuku.marketing.models import Segment
    from daifuku.marketing.services import add_members, create_segment, remove_members

    rng = random.Random(20)
    with django_capture_on_commit_callbacks(execute=True):
        people = [
            create_person(
                actor=admin,
                data={
                    "family_name": "試験",
                    "given_name": f"{i}号",
                    "prefecture": rng.choice(["東京都", "大阪府", "北海道"]),
                },
            )
            for i in range(24)
        ]
        for name, rules in SEGMENTS.items():
            create_segment(actor=admin, data={"name": name, "rules": rules})
        invited = create_segment(actor=admin, data={"name": "招待", "kind": "static"})
        create_segment(
            actor=admin,
            data={
                "name": "招待かつ許諾",
                "rules": {"all": [{"field": "segment", "op": "eq", "value": invited.pk},
                                  {"field": "consent_email", "op": "eq", "value": "opted_in"}]},
            },
        )  # fmt: skip
    assert jobs.segment_full_check() == {}
    heard.clear()

    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        for n, person in enumerate(people):
            for k in range(rng.randint(0, 3)):  # orders of tea and cups
                record_order(
                    actor=admin,
                    number=f"G{n}-{k}",
                    ordered_at=now - dt.timedelta(days=rng.randint(0, 200)),
                    person=person,
                    lines=[{"product_id": rng.choice([ledger["tea"], ledger["cup"]]).pk,
                            "quantity": rng.randint(1, 3)}],
                )  # fmt: skip
            if rng.random() < 0.6:  # consent given, some later withdrawn
                record_consent(actor=admin, person=person, channel="email", status="opted_in",
                               method="form", evidence="会員登録フォーム")  # fmt: skip
                if rng.random() < 0.3:
                    record_consent(actor=admin, person=person, channel="email",
                                   status="opted_out", method="form", evidence="配信停止")  # fmt: skip
            if rng.random() < 0.4:
                log_touch(actor=admin, data={"summary": "電話", "kind": "call"}, person=person)
    assert any(reason == "event" for _kind, _s, _p, reason in heard)

    with django_capture_on_commit_callbacks(execute=True):
        # a rank change without an order: new rules re-rank everyone
        update_rule(
            actor=admin,
            rule=RankRule.objects.get(name="シルバー"),
            data={"min_amount": 2_000, "period_months": 0},
        )
        # fixed lists: the rule segment naming the list follows
        add_members(actor=admin, segment=invited, person_ids=[p.pk for p in people[:10]])
        remove_members(actor=admin, segment=invited, person_ids=[people[0].pk])
        # 名寄せ: the loser leaves every segment, the survivor takes the loser's orders
        merge_people(actor=admin, survivor=people[1], loser=people[2])
        # the trash: a deleted person is in no segment
        delete_person(actor=admin, person=people[3])
    assert jobs.segment_full_check() == {}, {
        Segment.objects.get(pk=pk).name: drift for pk, drift in jobs.segment_full_check().items()
    }

    # what each event said matches what is stored: replaying entered/left from the
    # state after creation gives the stored membership
    from daifuku.marketing.models import SegmentMembership

    assert not SegmentMembership.objects.filter(person_id__in=[people[2].pk, people[3].pk])
    left = {(s, p) for kind, s, p, _r in heard if kind == "left"}
    assert (invited.pk, people[0].pk) in left
    reasons = {r for *_rest, r in heard}
    assert reasons <= {"event", "list", "rules"} and "list" in reasons


def test_entered_and_left_are_announced_once_per_change(ledger, admin, heard, django_capture_on_commit_callbacks):  # fmt: skip
    from daifuku.customers.services import record_consent
    from daifuku.marketing.services import create_segment
    from daifuku.marketing.services.memberships import full_check, refresh_person

    with django_capture_on_commit_callbacks(execute=True):
        consented = create_segment(
            actor=admin, data={"name": "許諾", "rules": SEGMENTS["メール許諾"]}
        )
    # the first members of a new segment are announced with the reason "rules"
    assert heard == [("entered", consented.pk, ledger["hanako"].pk, "rules")]
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record_consent(actor=admin, person=ledger["kenta"], channel="email", status="opted_in",
                       method="in_person", evidence="店頭の申込書")  # fmt: skip
    assert heard == [("entered", consented.pk, ledger["kenta"].pk, "event")]
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record_consent(actor=admin, person=ledger["hanako"], channel="email",
                       status="opted_out", method="form", evidence="配信停止")  # fmt: skip
        assert refresh_person(ledger["ichiro"].pk) == []  # nothing changed: nothing said
    assert heard == [("left", consented.pk, ledger["hanako"].pk, "event")]
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert full_check() == {}
    assert heard == []


def test_the_calendar_step_moves_relative_dates_once_a_day(ledger, admin, heard, django_capture_on_commit_callbacks):  # fmt: skip
    """「最終購入から10日以内」 changes with no event when a day passes: the calendar step
    re-evaluates the segments on relative dates (not the others), once per day."""
    from daifuku.marketing import jobs
    from daifuku.marketing.models import Segment
    from daifuku.marketing.services import create_segment
    from daifuku.marketing.services.memberships import calendar_refresh

    with django_capture_on_commit_callbacks(execute=True):
        recent = create_segment(
            actor=admin,
            data={"name": "10日以内",
                  "rules": {"all": [{"field": "days_since_last_order", "op": "lte", "value": 10}]}},
        )  # fmt: skip
        tokyo = create_segment(
            actor=admin, data={"name": "東京", "rules": {"all": [
                {"field": "prefecture", "op": "eq", "value": "東京都"}]}},
        )  # fmt: skip
    heard.clear()
    # on 3 November 花子's last order (24 October) is 10 days ago
    with django_capture_on_commit_callbacks(execute=True):
        assert set(calendar_refresh(dt.date(2026, 11, 3))) == {recent.pk}
    assert heard == [("entered", recent.pk, ledger["hanako"].pk, "calendar")]
    assert Segment.objects.get(pk=recent.pk).calendar_day == dt.date(2026, 11, 3)
    assert Segment.objects.get(pk=tokyo.pk).calendar_day == dt.date(2026, 11, 3)
    assert calendar_refresh(dt.date(2026, 11, 3)) == {}  # once a day
    heard.clear()
    # a day later, 11 days: she leaves; 「東京」 has no relative date and is not touched
    with django_capture_on_commit_callbacks(execute=True):
        changed = calendar_refresh(dt.date(2026, 11, 4))
    assert set(changed) == {recent.pk}
    assert heard == [("left", recent.pk, ledger["hanako"].pk, "calendar")]
    assert jobs.segment_full_check() == {}
