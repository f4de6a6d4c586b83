"""Analytics counts the orders in yen only (docs/commerce.md, "Amounts in another
currency"): an order in dollars is kept and shown, but no yen figure adds it up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daifuku.commerce.services import record_order

pytestmark = pytest.mark.django_db

WHEN = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))


def test_analytics_counts_the_orders_in_yen_only(person):
    from daifuku.analytics.models import CustomerMetrics
    from daifuku.analytics.selectors.orders import transactions
    from daifuku.commerce.selectors.facts import purchase_rows

    record_order(actor="test", number="JP-2", ordered_at=WHEN, total=11_000, person=person)
    record_order(
        actor="test", number="US-3", ordered_at=WHEN, total=2933, person=person, currency="USD"
    )
    metrics = CustomerMetrics.objects.get(person=person)
    assert (metrics.order_count, metrics.total) == (1, 11_000)
    assert transactions(None).amount.tolist() == [11_000]
    assert purchase_rows(None).amount == [11_000]


def test_the_analytics_area_totals_leave_other_currencies_out(person):
    from daifuku.analytics.models import FigureTotal
    from daifuku.analytics.services import figure_totals

    record_order(actor="test", number="JP-3", ordered_at=WHEN, total=5_500, person=person)
    figure_totals.rebuild()
    before = sorted(
        FigureTotal.objects.exclude(kind="basket").values_list("kind", "a", "b", "n1", "v1")
    )
    record_order(
        actor="test", number="US-4", ordered_at=WHEN, total=2933, person=person, currency="USD"
    )
    after = sorted(
        FigureTotal.objects.exclude(kind="basket").values_list("kind", "a", "b", "n1", "v1")
    )
    assert after == before
