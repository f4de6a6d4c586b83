"""An order import updates its customers' figures and rank in the batch's transaction, like
an order recorded one at a time (no rebuild needed before the 360° page shows them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daifuku.analytics.models import CustomerMetrics
from daifuku.commerce.services import record_imported_orders
from daifuku.customers.services import create_person


def test_an_imported_batch_updates_each_customers_figures(rep):
    a = create_person(actor=rep, data={"family_name": "山田", "given_name": "花子"})
    b = create_person(actor=rep, data={"family_name": "佐藤", "given_name": "一郎"})
    day = timezone.make_aware(dt.datetime(2026, 11, 1, 10, 0))
    batch = [
        {"number": "I-1", "person_id": a.pk, "ordered_at": day, "total": 11_000},
        {
            "number": "I-2",
            "person_id": a.pk,
            "ordered_at": day + dt.timedelta(days=3),
            "total": 5_500,
        },
        {"number": "I-3", "person_id": b.pk, "ordered_at": day, "total": 2_200},
    ]
    record_imported_orders(actor=rep, source="import", orders=batch)
    figures = {m.person_id: m for m in CustomerMetrics.objects.filter(person__in=[a, b])}
    assert figures[a.pk].order_count == 2 and figures[a.pk].total == 16_500
    assert figures[b.pk].order_count == 1 and figures[b.pk].total == 2_200


def _import_in_batches(
    people, companies, products, *, seed: int, batches: int, committed, at_the_end=False
):
    """Generated orders (people, companies, a person ordering for a company, lines with
    products, totals) imported batch by batch, a customer often in several batches."""
    import random

    rng = random.Random(seed)
    now = timezone.localtime().replace(microsecond=0)
    touched: dict | None = {} if at_the_end else None
    for b in range(batches):
        batch = []
        for i in range(rng.randint(5, 25)):
            who = rng.random()
            customer = {"person_id": rng.choice(people).pk}
            if who < 0.2:
                customer = {"company_id": rng.choice(companies).pk}
            elif who < 0.3:
                customer["company_id"] = rng.choice(companies).pk
            when = now - dt.timedelta(days=rng.randrange(0, 500), hours=rng.randrange(0, 12))
            what: dict = {"total": rng.choice([0, 1_100, 3_300, 5_500, 12_000, 110_000])}
            if rng.random() < 0.5:
                chosen = rng.sample(list(products), rng.randint(1, 3))
                what = {"lines": [{"product": p, "quantity": rng.randint(1, 2)} for p in chosen]}
            batch.append({"number": f"S{seed}-{b}-{i}", "ordered_at": when, **what, **customer})
        with committed():
            record_imported_orders(actor="test", source="import", orders=batch, touched=touched)
    if at_the_end:  # as imports.orders does: once after the last batch
        from daifuku.commerce.services import refresh_imported_customers

        refresh_imported_customers(touched)


@pytest.mark.parametrize("at_the_end", [False, True], ids=["per-batch", "after-the-last-batch"])
def test_imported_batches_give_the_figures_of_a_rebuild(rep, committed, at_the_end):
    """The import path's set-based refresh (``orders.recording``) leaves the snapshot, the
    ranks and the running totals exactly as a rebuild computes them from the orders — as
    one order at a time does (test_metrics_services, test_figure_totals)."""
    from daifuku.analytics.models import FigurePart, FigureTotal, RankChange
    from daifuku.analytics.services import figure_totals, metrics
    from daifuku.commerce.services import create_product
    from daifuku.customers.services import create_company

    people = [create_person(actor=rep, data={"family_name": f"客{i}"}) for i in range(15)]
    companies = [create_company(actor=rep, data={"name": f"会社{i}"}) for i in range(3)]
    products = [
        create_product(actor="test", data={"code": f"P-{i}", "name": f"品{i}", "unit_price": 900})
        for i in range(4)
    ]

    def state():
        from daifuku.analytics.computation import WRITTEN

        compared = [f for f in WRITTEN if f != "updated_at"] + ["person_id", "company_id"]
        rows = sorted(
            (tuple(r.values()) for r in CustomerMetrics.objects.values(*compared)), key=repr
        )
        totals = sorted(
            FigureTotal.objects.exclude(n1=0, n2=0, v1=0, v2=0).values_list(
                "kind", "a", "b", "n1", "n2", "v1", "v2"
            )
        )
        parts = sorted(
            FigurePart.objects.values_list("customer", "kind", "a", "b", "n1", "n2", "v1", "v2")
        )
        return rows, totals, parts, RankChange.objects.count()

    _import_in_batches(people, companies, products, seed=1, batches=3, committed=committed)
    metrics.rebuild()  # cut points from these buyers; the totals kept from now on
    figure_totals.rebuild()
    _import_in_batches(
        people, companies, products, seed=2, batches=6, committed=committed, at_the_end=at_the_end
    )
    imported = state()
    assert imported[1] and imported[2] and imported[0]
    metrics.rebuild(recalibrate=False)
    figure_totals.rebuild()
    assert state() == imported


def test_every_imported_order_reaches_the_order_recorded_listeners(rep, committed):
    """``order.recorded`` for each order of a batch, with the payload of an order recorded
    one by one — from the job the batch queues after its commit."""
    from daifuku.commerce.models import Order
    from daifuku.core import events

    heard: list[tuple] = []

    def listener(*, order_id, entity, entity_id):
        heard.append((order_id, entity, entity_id))

    a = create_person(actor=rep, data={"family_name": "山田"})
    day = timezone.make_aware(dt.datetime(2026, 11, 1, 10, 0))
    events.subscribe("order.recorded", listener)
    try:
        with committed():
            record_imported_orders(
                actor=rep,
                source="import",
                orders=[
                    {"number": f"E-{i}", "person_id": a.pk, "ordered_at": day, "total": 1_100}
                    for i in range(5)
                ],
            )
    finally:
        events._after_commit["order.recorded"].remove(listener)
    expected = [
        (pk, "person", a.pk) for pk in Order.objects.order_by("pk").values_list("pk", flat=True)
    ]
    assert sorted(heard) == expected and len(expected) == 5
