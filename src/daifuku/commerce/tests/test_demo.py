"""The demo hook gives demo customers purchases (and one partial return), through the services."""

from __future__ import annotations

from daifuku.commerce.models import Order, OrderStatus, Product, Return


def test_demo_orders_for_demo_people(admin):
    from daifuku.commerce.demo import add_demo_orders
    from daifuku.core import demo
    from daifuku.customers.services import create_person

    people = [
        create_person(actor="test", data={"family_name": "デモ", "given_name": str(i)}).pk
        for i in range(6)
    ]
    summary = add_demo_orders(demo.DemoContext(users={"admin": admin}, person_ids=people))
    orders = Order.objects.count()
    assert summary == f"{orders} orders (1 partly returned)" and 6 <= orders <= 18
    assert Product.objects.filter(code__startswith="WAG-").count() == 2
    assert (
        Return.objects.count() == 1
        and Order.objects.filter(status=OrderStatus.PARTLY_RETURNED).count() == 1
    )
    assert set(Order.objects.values_list("person_id", flat=True)) == set(people)
    # running it again adds nothing (same numbers from the same source)
    add_demo_orders(demo.DemoContext(users={"admin": admin}, person_ids=people))
    assert Order.objects.count() == orders
