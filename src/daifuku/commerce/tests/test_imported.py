"""A batch of imported orders is recorded with the same figures as one order at a time."""

from __future__ import annotations

import datetime as dt

from daifuku.commerce.models import Order
from daifuku.commerce.services import record_imported_orders, record_order
from daifuku.core.models import AuditEntry


def test_batch_equals_one_by_one_and_is_idempotent(
    rep, person, products, captured, django_capture_on_commit_callbacks
):
    lines = [
        {"product": products["tea"], "quantity": 2},
        {"product": products["cup"], "quantity": 3},
        {"name": "値引き", "quantity": 1, "unit_price": -100, "tax_rate": 10},
    ]
    single, _ = record_order(
        actor=rep, number="S-1", person=person, ordered_at=dt.date(2026, 11, 3), lines=lines
    )
    batch = [
        {"number": "B-1", "person": person, "ordered_at": dt.date(2026, 11, 3), "lines": lines},
        {
            "number": "B-2",
            "person": person,
            "ordered_at": dt.date(2026, 11, 4),
            "total": 2933,
            "tax_rate": 0,
        },
        {"number": "B-3", "person": person, "ordered_at": None, "total": 100},
        {
            "number": "B-4",
            "person": person,
            "ordered_at": dt.date(2026, 11, 4),
            "lines": [{"name": "x", "quantity": 1, "unit_price": 100, "tax_rate": 5}],
        },
    ]
    audits = AuditEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = record_imported_orders(actor=rep, source="import", orders=batch, note="t")
    assert [o.created for o in outcomes] == [True, True, False, False]
    assert outcomes[2].error is not None and "ordered_at" in outcomes[2].error.errors
    assert "lines.0.tax_rate" in outcomes[3].error.errors
    one = Order.objects.get(number="B-1")
    fields = ("subtotal", "tax", "total", "tax_breakdown", "net_total", "item_count")
    assert [getattr(one, f) for f in fields] == [getattr(single, f) for f in fields]
    assert [line.amount for line in one.lines.all()] == [line.amount for line in single.lines.all()]
    free = Order.objects.get(number="B-2")
    assert (free.total, free.tax) == (2933, 0)
    assert AuditEntry.objects.count() == audits + 1  # one entry for the batch
    assert [name for name, _p in captured].count("order.recorded") == 2  # B-1, B-2
    again = record_imported_orders(actor=rep, source="import", orders=batch[:2])
    assert [(o.order_id, o.created) for o in again] == [(one.pk, False), (free.pk, False)]
    assert Order.objects.count() == 3


def test_batch_falls_back_to_one_by_one_when_a_number_is_taken_meanwhile(rep, person):
    from daifuku.commerce.services import imported

    orders = [
        {
            "number": "R-1",
            "person_id": person.pk,
            "ordered_at": dt.date(2026, 11, 3),
            "total": 1_100,
        }
    ]
    outcomes = imported._one_by_one(rep, "import", orders, [imported.Outcome()])
    assert outcomes[0].created and Order.objects.get(number="R-1").person == person


def test_breakdown_written_as_json_reads_back_the_same():
    import json

    from daifuku.commerce.services.imported import _breakdown_json

    rows = [{"rate": 10, "taxable": 1500, "tax": 150}, {"rate": 8, "taxable": -3, "tax": 0}]
    assert json.loads(_breakdown_json(rows)) == rows and _breakdown_json([]) == "[]"
