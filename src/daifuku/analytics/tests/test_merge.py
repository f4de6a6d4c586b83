"""名寄せ moves orders to the survivor: both customers' figures follow (after commit)."""

from __future__ import annotations

from daifuku.analytics.models import CustomerMetrics


def test_merge_moves_the_figures_to_the_survivor(rep, person, buy, committed):
    from daifuku.customers.dedup.services.merge import merge_people
    from daifuku.customers.services import create_person

    twin = create_person(actor=rep, data={"family_name": "山田", "given_name": "花子"})
    buy(person, 4_000, days_ago=10)
    buy(twin, 6_000, days_ago=5)
    with committed():
        merge_people(actor=rep, survivor=person, loser=twin)
    row = CustomerMetrics.objects.get(person=person)
    assert (row.order_count, row.total, row.rank.name) == (2, 10_000, "シルバー")
    assert not CustomerMetrics.objects.filter(person=twin).exists()
