"""Recording orders and returns: figures, idempotence, reversing entries, audit, events."""

from __future__ import annotations

import datetime as dt

import pytest

from daifuku.commerce.models import Order, OrderStatus, Return
from daifuku.commerce.services import record_order, record_return
from daifuku.core.errors import NotFound, ValidationFailed
from daifuku.core.models import AuditEntry


def _order(actor, customer, products, when, **extra):
    values = {
        "number": "A-1001",
        "ordered_at": when,
        "person": customer,
        "channel": "店舗",
        "lines": [
            {"product": products["tea"], "quantity": 2},
            {"name": "包装料", "quantity": 1, "unit_price": 100, "tax_rate": 10},
            {"product": products["cup"], "quantity": 3},
        ],
    }
    values.update(extra)
    return record_order(actor=actor, **values)


def test_order_figures_per_rate_rounded_down_once(
    rep, person, products, when, captured, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order, created = _order(rep, person, products, when)
    assert created is True
    # 8 %: 2 × 1,001 = 2,002 → 160; 10 %: 100 + 3 × 2,999 = 9,097 → 909
    assert order.tax_breakdown == [
        {"rate": 10, "taxable": 9_097, "tax": 909},
        {"rate": 8, "taxable": 2_002, "tax": 160},
    ]
    assert (order.subtotal, order.tax, order.total, order.item_count) == (11_099, 1_069, 12_168, 6)
    assert (order.net_total, order.status, order.channel.name) == (
        12_168,
        OrderStatus.ORDERED,
        "店舗",
    )
    assert [(line.name, line.amount) for line in order.lines.all()] == [
        ("煎茶 100g", 2_002),
        ("包装料", 100),
        ("湯呑み", 8_997),
    ]
    assert order.ordered_at == dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)  # 11/3 0:00 JST
    assert captured == [
        ("order.recorded", {"order_id": order.pk, "entity": "person", "entity_id": person.pk})
    ]
    entry = AuditEntry.objects.get(object_type="commerce.order", object_id=order.pk)
    assert (entry.action, entry.subject_type, entry.subject_id, entry.changes["total"]) == (
        "create",
        "commerce.order",
        order.pk,
        [None, 12_168],
    )


def test_same_number_same_source_returns_the_first_order(
    rep, person, company, products, when, captured, django_capture_on_commit_callbacks
):
    first, _ = _order(rep, person, products, when)
    with django_capture_on_commit_callbacks(execute=True):
        again, created = _order(
            rep,
            None,
            products,
            when,
            company=company,
            lines=[{"name": "別物", "quantity": 1, "unit_price": 1}],
        )
    assert (again.pk, created, Order.objects.count(), captured) == (first.pk, False, 1, [])
    other, created = _order(rep, person, products, when, source="ec")
    assert created is True and other.pk != first.pk


def test_total_only_order_is_tax_inclusive(rep, company, when):
    order, _ = record_order(
        actor=rep, number="EC-9", ordered_at=when, company=company, total=12_100
    )
    assert (order.subtotal, order.tax, order.total, order.person_id) == (
        11_000,
        1_100,
        12_100,
        None,
    )
    ret = record_return(actor=rep, order=order)
    order.refresh_from_db()
    assert (ret.total, order.net_total, order.status) == (-12_100, 0, OrderStatus.RETURNED)
    with pytest.raises(ValidationFailed) as err:
        record_return(actor=rep, order=order)
    assert err.value.code == "nothing_to_return"


def test_partial_returns_reverse_and_refuse_more_than_bought(
    rep, person, products, when, captured, django_capture_on_commit_callbacks
):
    order, _ = _order(rep, person, products, when)
    tea, wrap, cup = order.lines.all()
    with django_capture_on_commit_callbacks(execute=True):
        ret = record_return(
            actor=rep, order=order, lines=[{"line_id": cup.pk, "quantity": 1}], reason="欠け"
        )
    order.refresh_from_db()
    # 10 % left: 9,097 − 2,999 = 6,098 → tax 609 (was 909): the return carries −300
    assert (ret.subtotal, ret.tax, ret.total, ret.item_count) == (-2_999, -300, -3_299, 1)
    assert (order.net_subtotal, order.net_tax, order.net_total) == (8_100, 769, 8_869)
    assert order.status == OrderStatus.PARTLY_RETURNED and order.total == 12_168  # history kept
    assert captured[-1] == (
        "order.returned",
        {"order_id": order.pk, "return_id": ret.pk, "entity": "person", "entity_id": person.pk},
    )
    with pytest.raises(ValidationFailed) as err:
        record_return(actor=rep, order=order, lines=[{"line_id": cup.pk, "quantity": 3}])
    assert err.value.code == "return_exceeds_order"
    assert Return.objects.count() == 1
    rest = record_return(actor=rep, order=order, kind="cancellation")
    order.refresh_from_db()
    assert rest.item_count == 5 and (order.net_subtotal, order.net_tax, order.net_total) == (
        0,
        0,
        0,
    )
    assert order.status == OrderStatus.CANCELLED


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"number": " "}, "number"),
        ({"lines": []}, "lines"),
        ({"lines": [{"name": "x", "quantity": 0, "unit_price": 1}]}, "lines.0.quantity"),
        (
            {"lines": [{"name": "x", "quantity": 1, "unit_price": 1, "tax_rate": 5}]},
            "lines.0.tax_rate",
        ),
        ({"lines": [{"sku": "NOPE", "quantity": 1}]}, "lines.0.sku"),
        ({"lines": [{"quantity": 1, "unit_price": 1}]}, "lines.0.name"),
        ({"channel": "屋台"}, "channel"),
        ({"person": None}, "customer"),
        ({"ordered_at": "yesterday"}, "ordered_at"),
    ],
)
def test_bad_input_is_a_field_error_and_saves_nothing(rep, person, products, when, bad, field):
    with pytest.raises(ValidationFailed) as err:
        _order(rep, person, products, when, **bad)
    assert field in err.value.errors
    assert Order.objects.count() == 0


def test_returns_need_the_right_to_change_the_customer(rep, other_rep, person, products, when):
    order, _ = _order(rep, person, products, when)
    with pytest.raises(NotFound):
        record_return(actor=other_rep, order=order)
    assert Return.objects.count() == 0


def test_discount_lines_cannot_turn_an_order_or_a_return_around(rep, person, products, when):
    with pytest.raises(ValidationFailed) as err:
        _order(
            rep,
            person,
            products,
            when,
            lines=[{"name": "品", "unit_price": 1_000}, {"name": "値引き", "unit_price": -2_000}],
        )
    assert err.value.code == "negative_total"
    order, _ = _order(
        rep,
        person,
        products,
        when,
        lines=[{"name": "品", "unit_price": 10_000}, {"name": "値引き", "unit_price": "▲2,000"}],
    )
    assert (order.subtotal, order.tax, order.total) == (8_000, 800, 8_800)
    item, discount = order.lines.all()
    for lines in ([{"line_id": item.pk, "quantity": 1}], [{"line_id": discount.pk, "quantity": 1}]):
        with pytest.raises(ValidationFailed) as err:
            record_return(actor=rep, order=order, lines=lines)
        assert err.value.code == "discount_return"
    whole = record_return(actor=rep, order=order)
    assert (whole.subtotal, whole.tax, whole.total) == (-8_000, -800, -8_800)


def test_audit_entries_are_read_by_whoever_sees_the_order(rep, other_rep, person, products, when):
    from daifuku.core.audit_display import visible_entries
    from daifuku.customers.services import delete_person

    order, _ = _order(rep, person, products, when)
    record_return(actor=rep, order=order)
    entries = list(AuditEntry.objects.filter(object_type__in=["commerce.order", "commerce.return"]))
    assert (
        len(entries) == 2 and len(visible_entries(entries, other_rep)) == 2
    )  # the ledger: everyone reads
    delete_person(actor=rep, person=person)
    assert visible_entries(entries, other_rep) == []
