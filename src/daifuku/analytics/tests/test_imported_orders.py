"""An order import updates its customers' figures and rank in the batch's transaction, like
an order recorded one at a time (no rebuild needed before the 360° page shows them)."""

from __future__ import annotations

import datetime as dt

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
