"""The snapshot follows every order and return in its transaction, ranks change with the
rules and decay, and the full rebuild gives exactly the incremental figures."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from daifuku.analytics.computation import WRITTEN
from daifuku.analytics.maths import rfm
from daifuku.analytics.models import CustomerMetrics, RankChange, RankRule, RFMScale
from daifuku.analytics.services import metrics as service
from daifuku.analytics.services import rules as rank_service
from daifuku.commerce.services import record_return

COMPARED = [f for f in WRITTEN if f != "updated_at"] + ["person_id", "company_id"]


def snapshot() -> dict:
    return {
        (row["person_id"], row["company_id"]): row
        for row in CustomerMetrics.objects.values(*COMPARED)
    }


def test_default_ranks_exist_on_a_fresh_install(db):
    assert list(RankRule.objects.values_list("name", "priority")) == [
        ("ゴールド", 30),
        ("シルバー", 20),
        ("ブロンズ", 10),
    ]


def test_an_order_updates_the_snapshot_and_rank_in_its_transaction(person, buy, rank_events):
    first = buy(person, 5_000, days_ago=40)
    row = CustomerMetrics.objects.get(person=person)
    assert (row.order_count, row.total, row.average_order_value, row.ltv) == (
        1,
        5_000,
        5_000,
        5_000,
    )
    assert (row.buyer_type, row.recency_days, row.days_to_second) == ("first", 40, None)
    assert row.first_order_at == first.ordered_at and row.rank.name == "ブロンズ"
    buy(person, 7_001, days_ago=10)
    row.refresh_from_db()
    assert (row.order_count, row.total, row.average_order_value, row.ltv) == (
        2,
        12_001,
        6_000,
        12_000,
    )
    assert (row.buyer_type, row.recency_days, row.days_to_second, row.rank.name) == (
        "repeat",
        10,
        30,
        "シルバー",
    )
    buy(person, 100_000, days_ago=1)
    row.refresh_from_db()
    assert row.rank.name == "ゴールド"
    assert [(e["from_rank"], e["to_rank"], e["reason"]) for e in rank_events] == [
        (None, "ブロンズ", "order"),
        ("ブロンズ", "シルバー", "order"),
        ("シルバー", "ゴールド", "order"),
    ]
    assert list(RankChange.objects.filter(person=person).values_list("to_name", flat=True)) == [
        "ゴールド",
        "シルバー",
        "ブロンズ",
    ]


def test_a_return_is_netted_and_a_fully_returned_order_is_no_purchase(
    person, buy, rank_events, committed
):
    big = buy(person, 120_000, days_ago=3)
    assert CustomerMetrics.objects.get(person=person).rank.name == "ゴールド"
    with committed():
        record_return(actor="test", order=big)
    row = CustomerMetrics.objects.get(person=person)
    assert (row.order_count, row.total, row.rank_id, row.buyer_type) == (0, 0, None, "none")
    assert (row.rfm_r, row.rfm_f, row.rfm_m, row.recency_days) == (0, 0, 0, None)
    assert rank_events[-1] == {
        "entity": "person",
        "entity_id": person.pk,
        "from_rank": "ゴールド",
        "to_rank": None,
        "reason": "return",
    }


def test_a_failed_order_leaves_no_figures(person, buy):
    from daifuku.commerce.services import record_order
    from daifuku.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        record_order(actor="test", number="X", ordered_at=dt.date.today(), person=person, total=-1)
    assert not CustomerMetrics.objects.exists()


def test_company_orders_have_their_own_row(company, buy):
    buy(company, 50_000, days_ago=5)
    row = CustomerMetrics.objects.get(company=company)
    assert (row.person_id, row.order_count, row.total) == (None, 1, 50_000)


def test_gold_lapses_in_the_nightly_rebuild_when_its_window_has_passed(
    person, buy, rank_events, committed
):
    buy(person, 150_000, days_ago=300)
    assert CustomerMetrics.objects.get(person=person).rank.name == "ゴールド"
    later = timezone.localdate() + dt.timedelta(days=70)
    with committed():
        service.rebuild(as_of=later, reason=RankChange.Reason.NIGHTLY)
    row = CustomerMetrics.objects.get(person=person)
    assert (row.rank.name, row.recency_days) == ("ブロンズ", 370)
    assert rank_events[-1]["reason"] == "nightly" and rank_events[-1]["to_rank"] == "ブロンズ"


def test_rule_changes_rerank_everybody(admin, person, buy, committed):
    buy(person, 3_000, days_ago=2)
    buy(person, 3_000, days_ago=1)
    assert CustomerMetrics.objects.get(person=person).rank.name == "シルバー"
    with committed():
        platinum = rank_service.create_rule(
            actor=admin, data={"name": "プラチナ", "min_purchases": "2", "priority": "40"}
        )
    assert CustomerMetrics.objects.get(person=person).rank_id == platinum.pk
    with committed():
        rank_service.delete_rule(actor=admin, rule=platinum)
    assert CustomerMetrics.objects.get(person=person).rank.name == "シルバー"
    assert list(RankChange.objects.filter(person=person).values_list("reason", flat=True)[:2]) == [
        "rules",
        "rules",
    ]


def test_only_administrators_change_rules_and_bad_input_is_a_field_error(rep, admin):
    from daifuku.core.errors import PermissionDenied, ValidationFailed

    with pytest.raises(PermissionDenied):
        rank_service.create_rule(actor=rep, data={"name": "x"})
    with pytest.raises(ValidationFailed) as error:
        rank_service.create_rule(
            actor=admin, data={"name": "ゴールド", "min_amount": "-5", "period_months": "x"}
        )
    assert set(error.value.errors) == {"name", "min_amount", "period_months"}


def _generate(people, companies, buy, *, orders: int, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(orders):
        customer = rng.choice(people + companies)
        order = buy(
            customer,
            rng.choice([1_100, 3_300, 5_500, 12_000, 48_000, 110_000]),
            days_ago=rng.randrange(0, 700),
        )
        if rng.random() < 0.15:
            record_return(actor="test", order=order)


@pytest.fixture
def population(rep, buy):
    from daifuku.customers.services import create_company, create_person

    people = [create_person(actor=rep, data={"family_name": f"客{i}"}) for i in range(25)]
    companies = [create_company(actor=rep, data={"name": f"会社{i}"}) for i in range(5)]
    return people, companies


def test_full_rebuild_equals_the_incremental_figures(population, buy, monkeypatch):
    people, companies = population
    _generate(people, companies, buy, orders=60, seed=1)  # before any rebuild: no cut points
    assert snapshot() and not RFMScale.objects.filter(calibrated_at__isnull=False).exists()
    incremental, changes = snapshot(), RankChange.objects.count()
    service.rebuild(recalibrate=False)
    assert snapshot() == incremental and RankChange.objects.count() == changes

    service.rebuild()  # cut points from the buyers, then more orders scored against them
    _generate(people, companies, buy, orders=80, seed=2)
    incremental, changes = snapshot(), RankChange.objects.count()
    service.rebuild(recalibrate=False)
    assert snapshot() == incremental and RankChange.objects.count() == changes
    monkeypatch.setattr(service, "COPY_FROM", 1)  # PostgreSQL: the bulk (COPY) writer too
    service.rebuild(recalibrate=False)
    assert snapshot() == incremental and RankChange.objects.count() == changes


def test_recalibrating_rebuild_gives_the_quintiles_of_the_buyers(population, buy):
    people, companies = population
    _generate(people, companies, buy, orders=90, seed=3)
    service.rebuild()
    buyers = list(
        CustomerMetrics.objects.filter(person__isnull=False, order_count__gt=0).order_by(
            "person_id"
        )
    )
    assert len(buyers) > 10
    assert [b.rfm_r for b in buyers] == rfm.quintile_scores(
        [b.recency_days for b in buyers], higher_is_better=False
    ).tolist()
    assert [b.rfm_f for b in buyers] == rfm.quintile_scores(
        [b.order_count for b in buyers]
    ).tolist()
    assert [b.rfm_m for b in buyers] == rfm.quintile_scores([b.total for b in buyers]).tolist()


def test_rebuild_keeps_the_clv_columns_and_removes_customers_without_orders(person, buy, rep):
    from daifuku.customers.services import create_person

    buy(person, 1_000)
    CustomerMetrics.objects.filter(person=person).update(predicted_clv=12_345, p_alive=0.5)
    stray = create_person(actor=rep, data={"family_name": "迷子"})
    CustomerMetrics.objects.create(person=stray, as_of=timezone.localdate())
    service.rebuild()
    assert list(CustomerMetrics.objects.values_list("person_id", "predicted_clv", "p_alive")) == [
        (person.pk, 12_345, 0.5)
    ]


def test_administrator_thresholds_are_kept_by_the_rebuild(population, buy):
    people, companies = population
    RFMScale.objects.create(
        entity="person",
        mode=RFMScale.Mode.THRESHOLDS,
        recency_cuts=[30, 90, 180, 365],
        frequency_cuts=[2, 3, 5, 10],
        monetary_cuts=[10_000, 30_000, 100_000, 300_000],
    )
    _generate(people, companies, buy, orders=40, seed=4)
    service.rebuild()
    scale = RFMScale.objects.get(entity="person")
    assert scale.frequency_cuts == [2, 3, 5, 10] and scale.calibrated_at is None
    for row in CustomerMetrics.objects.filter(person__isnull=False, order_count__gt=0):
        assert row.rfm_f == 1 + sum(row.order_count >= c for c in [2, 3, 5, 10])


def test_the_grouped_rebuild_keeps_ties_returns_and_unchanged_rows(population, buy, committed):
    """The rebuild's grouped read (one row per customer from the database) against the
    incremental path on its edge cases: two purchases in the same second (the second
    purchase is the first's moment, 0 days to it), a customer whose only order was
    returned (a row without purchases), and a second rebuild that writes nothing."""
    people, _companies = population
    moment = timezone.localtime().replace(microsecond=0) - dt.timedelta(days=40)
    buy(people[0], 1_000, at=moment)
    buy(people[0], 2_000, at=moment)
    buy(people[0], 500, days_ago=3)
    returned = buy(people[1], 3_000, days_ago=10)
    with committed():
        record_return(actor="test", order=returned)
    incremental = snapshot()
    tied = incremental[(people[0].pk, None)]
    assert tied["second_order_at"] == tied["first_order_at"] and tied["days_to_second"] == 0
    assert incremental[(people[1].pk, None)]["order_count"] == 0

    first = service.rebuild(recalibrate=False)
    assert snapshot() == incremental
    assert first["person"]["customers"] == 2 and first["person"]["buyers"] == 1
    again = service.rebuild(recalibrate=False)
    assert again["person"]["written"] == 0 and snapshot() == incremental
