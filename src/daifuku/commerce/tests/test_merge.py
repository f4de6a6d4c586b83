"""名寄せ through the real customers merge and its undo: the loser's orders (with their
lines and returns) land on the survivor, and the undo puts them back."""

from __future__ import annotations

import datetime as dt

import pytest

from daifuku.commerce.models import Order
from daifuku.commerce.services import record_order, record_return

pytestmark = pytest.mark.django_db(transaction=True)


def test_merge_moves_orders_and_undo_puts_them_back(admin, rep, person, products):
    from daifuku.customers.dedup.services.merge import merge_people, undo_merge
    from daifuku.customers.services import create_person

    loser = create_person(actor=rep, data={"family_name": "山田", "given_name": "はなこ"})
    kept, _ = record_order(
        actor=rep, number="A-1", person=person, ordered_at=dt.date(2026, 11, 1), total=1_100
    )
    moved, _ = record_order(
        actor=rep,
        number="A-2",
        person=loser,
        ordered_at=dt.date(2026, 11, 2),
        lines=[{"product": products["tea"], "quantity": 2}],
    )
    record_return(actor=rep, order=moved, lines=[{"line_id": moved.lines.get().pk, "quantity": 1}])

    journal = merge_people(actor=admin, survivor=person, loser=loser)

    assert sorted(Order.objects.filter(person=person).values_list("number", flat=True)) == [
        "A-1",
        "A-2",
    ]
    assert Order.objects.get(pk=moved.pk).returns.count() == 1
    assert journal.entries.filter(model="commerce.order", action="moved").count() == 1

    undo_merge(actor=admin, journal=journal)

    assert list(Order.objects.filter(person=loser).values_list("pk", flat=True)) == [moved.pk]
    assert list(Order.objects.filter(person=person).values_list("pk", flat=True)) == [kept.pk]
