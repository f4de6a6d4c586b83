"""The analytics area's running totals: kept in each order's and return's transaction,
they equal a full rebuild's, on generated orders and returns (people, companies, a
person ordering for a company, same-day and later returns, cancellations, customers put
in the trash and merged)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from daifuku.analytics.models import FigurePart, FigureTotal
from daifuku.analytics.services import figure_totals as service

pytestmark = pytest.mark.django_db

CHANNELS = ["店舗", "EC", "電話", None]


def totals() -> dict:
    return {
        (kind, a, b): (n1, n2, v1, v2)
        for kind, a, b, n1, n2, v1, v2 in FigureTotal.objects.values_list(
            "kind", "a", "b", "n1", "n2", "v1", "v2"
        )
        if any((n1, n2, v1, v2))
    }


def parts() -> list:
    return sorted(
        FigurePart.objects.values_list("customer", "kind", "a", "b", "n1", "n2", "v1", "v2")
    )


def generate(people, companies, *, orders: int, seed: int, committed, products=()) -> None:
    from daifuku.commerce.services import record_order, record_return

    rng = random.Random(seed)
    now = timezone.localtime().replace(microsecond=0)
    for i in range(orders):
        who = rng.random()
        customer = {"person": rng.choice(people)}
        if who < 0.2:
            customer = {"company": rng.choice(companies)}
        elif who < 0.3:
            customer["company"] = rng.choice(companies)
        when = now - dt.timedelta(days=rng.randrange(0, 500), hours=rng.randrange(0, 12))
        what: dict = {"total": rng.choice([0, 1_100, 3_300, 5_500, 12_000])}
        if products and rng.random() < 0.6:
            chosen = rng.sample(list(products), rng.randint(1, min(3, len(products))))
            what = {"lines": [{"product": p, "quantity": rng.randint(1, 2)} for p in chosen]}
        with committed():
            order, _new = record_order(
                actor="test",
                number=f"G{seed}-{i}",
                ordered_at=when,
                channel=rng.choice(CHANNELS),
                **what,
                **customer,
            )
        roll = rng.random()
        if "lines" in what and len(what["lines"]) > 1 and roll > 0.85:
            line = order.lines.first()
            with committed():
                record_return(
                    actor="test", order=order, lines=[{"line_id": line.pk, "quantity": 1}]
                )
            continue
        if order.total and roll < 0.2:
            later = min(now, when + dt.timedelta(days=rng.choice([0, 0, 3, 40])))
            kind = "cancellation" if roll < 0.05 else "return"
            with committed():
                record_return(actor="test", order=order, returned_at=later, kind=kind)


@pytest.fixture
def population(rep):
    from daifuku.customers.services import create_company, create_person

    people = [create_person(actor=rep, data={"family_name": f"客{i}"}) for i in range(12)]
    companies = [create_company(actor=rep, data={"name": f"会社{i}"}) for i in range(3)]
    return people, companies


@pytest.fixture
def products(db):
    from daifuku.commerce.services import create_product

    return [
        create_product(
            actor="test", data={"code": f"P-{i}", "name": name, "unit_price": 500 * (i + 1)}
        )
        for i, name in enumerate(["煎茶", "玉露", "豆大福", "湯呑み"])
    ]


def test_nothing_is_kept_before_the_first_rebuild(population, committed):
    generate(*population, orders=5, seed=3, committed=committed)
    assert not FigureTotal.objects.exists() and not FigurePart.objects.exists()


def test_incremental_totals_equal_a_full_rebuild(population, products, committed):
    people, companies = population
    generate(people, companies, orders=30, seed=1, committed=committed, products=products)
    service.rebuild()
    built = totals()
    assert {key[0] for key in built} >= {"cohort", "basket_pair", "whatif", "ltv"}
    generate(people, companies, orders=90, seed=2, committed=committed, products=products)
    incremental, incremental_parts = totals(), parts()
    assert incremental != built
    service.rebuild()
    assert totals() == incremental
    assert parts() == incremental_parts


def test_the_trash_and_a_merge_keep_the_totals_right(population, committed, rep):
    from daifuku.customers.services import delete_person, restore_person

    people, companies = population
    service.rebuild()
    generate(people, companies, orders=60, seed=4, committed=committed)
    with committed():
        delete_person(actor=rep, person=people[0])
    trashed = totals()
    service.rebuild()
    assert totals() == trashed
    with committed():
        restore_person(actor=rep, person=people[0])
    restored = totals()
    service.rebuild()
    assert totals() == restored


def test_merge_moves_the_parts(population, committed, admin):
    from daifuku.customers.dedup.services.merge import merge_people

    people, companies = population
    service.rebuild()
    generate(people, companies, orders=40, seed=5, committed=committed)
    with committed():
        merge_people(actor=admin, survivor=people[1], loser=people[2])
    merged = totals()
    service.rebuild()
    assert totals() == merged
