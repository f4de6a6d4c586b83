"""Orders carry their currency (ISO 4217, yen by default): amounts in its minor unit,
set by the API, an import's currency or the source that named it before the column,
shown with the right symbol (analytics counts the yen ones only:
analytics/tests/test_currency_rule.py)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from daifuku.commerce.models import Order
from daifuku.commerce.services import record_order

pytestmark = pytest.mark.django_db

WHEN = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))


def test_api_records_the_currency_and_refuses_an_unknown_one(rep_api, person):
    body = {"number": "US-1", "person_id": person.pk, "ordered_at": "2026-11-02", "total": 2933}
    response = rep_api.post("/api/v1/orders", {**body, "currency": "usd", "tax_rate": 10})
    assert response.status_code == 201, response.content
    assert response.json()["currency"] == "USD" and response.json()["total"] == 2933
    yen = rep_api.post("/api/v1/orders", {**body, "number": "JP-1"})
    assert yen.json()["currency"] == "JPY"
    bad = rep_api.post("/api/v1/orders", {**body, "number": "XX-1", "currency": "XYZ"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_currency"
    assert not Order.objects.filter(number="XX-1").exists()


def test_the_source_names_the_currency_when_none_is_given(person):
    order, _new = record_order(
        actor="test", number="I-1", source="import:EUR", ordered_at=WHEN, total=1999, person=person
    )
    assert order.currency == "EUR"


def test_the_migration_takes_the_currency_from_the_source(person):
    order, _new = record_order(
        actor="test", number="I-2", source="import:USD", ordered_at=WHEN, total=500, person=person
    )
    Order.objects.filter(pk=order.pk).update(currency="JPY")  # as before the column
    migration = importlib.import_module("daifuku.commerce.migrations.0005_perf19_order_currency")
    migration.currency_from_source(apps, None)
    order.refresh_from_db()
    assert order.currency == "USD" and order.source == "import:USD"


def test_screens_show_the_amounts_in_their_currency(rep, person):
    order, _new = record_order(
        actor="test", number="US-2", ordered_at=WHEN, total=2933, person=person, currency="USD"
    )
    client = Client()
    client.force_login(rep)
    page = client.get(f"/commerce/orders/{order.pk}/").content.decode()
    assert "USD 29.33" in page and "¥2,933" not in page
    listing = client.get("/commerce/orders/").content.decode()
    assert "USD 29.33" in listing
    person_page = client.get(f"/customers/people/{person.pk}/").content.decode()
    assert "USD 29.33" in person_page
