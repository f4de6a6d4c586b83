"""The order screens: list with filters, an order's page with tax per rate and returns,
recording a return from the page, and the channel settings (managers only)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from daifuku.commerce.models import Channel, Order
from daifuku.commerce.services import record_order


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response) -> str:
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def orders(rep, person, products):
    first, _ = record_order(
        actor=rep,
        number="A-1",
        person=person,
        ordered_at=dt.date(2026, 11, 3),
        channel="店舗",
        lines=[
            {"product": products["tea"], "quantity": 2},
            {"product": products["cup"], "quantity": 1},
        ],
    )
    second, _ = record_order(
        actor=rep,
        number="EC-9",
        person=person,
        ordered_at=dt.date(2026, 11, 20),
        channel="EC",
        total=11_000,
    )
    return first, second


def test_list_filters_by_period_channel_and_customer(rep, orders, person):
    client = _client(rep)
    everything = _text(client.get(reverse("commerce:orders")))
    assert "A-1" in everything and "EC-9" in everything and "注文" in everything
    store = Channel.objects.get(name="店舗")
    only_store = _text(client.get(reverse("commerce:orders"), {"channel": store.pk}))
    assert "A-1" in only_store and "EC-9" not in only_store
    november_late = _text(client.get(reverse("commerce:orders"), {"from": "2026-11-10"}))
    assert "EC-9" in november_late and "A-1" not in november_late
    Order.objects.filter(pk=orders[0].pk)  # the customer's member number finds them
    type(person).objects.filter(pk=person.pk).update(member_number="M-1")
    by_member = _text(client.get(reverse("commerce:orders"), {"customer": "Ｍ－１"}))
    assert "A-1" in by_member and "EC-9" in by_member
    nobody = _text(client.get(reverse("commerce:orders"), {"customer": "該当なし"}))
    assert "A-1" not in nobody
    assert client.get(reverse("commerce:orders"), {"from": "2026-13-45"}).status_code == 200


def test_order_page_shows_tax_per_rate_and_records_a_return(rep, orders):
    order = orders[0]
    client = _client(rep)
    page = _text(client.get(reverse("commerce:order", args=[order.pk])))
    assert "8%" in page and "10%" in page and "切り捨て" in page
    assert "¥" + f"{order.total:,}" in page
    tea = order.lines.get(product__code="TEA-1")
    response = client.post(
        reverse("commerce:order-return", args=[order.pk]),
        {"scope": "lines", f"qty_{tea.pk}": "1", "kind": "return", "reason": "破損"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "partly_returned" and order.net_total < order.total
    page = _text(client.get(reverse("commerce:order", args=[order.pk])))
    assert "破損" in page and "返品後" in page
    too_many = client.post(
        reverse("commerce:order-return", args=[order.pk]),
        {"scope": "lines", f"qty_{tea.pk}": "5"},
        follow=True,
    )
    assert too_many.status_code == 200 and "残り" in _text(too_many)


def test_a_rep_of_another_team_sees_the_order_but_records_no_return(orders, other_rep):
    """Orders follow the ledger: everyone reads a customer, only its owner's team changes it."""
    client = _client(other_rep)
    page = _text(client.get(reverse("commerce:order", args=[orders[0].pk])))
    assert "返品を記録する" not in page
    refused = client.post(reverse("commerce:order-return", args=[orders[0].pk]))
    assert refused.status_code == 404 and not orders[0].returns.exists()


def test_channel_settings_for_managers(rep, manager):
    assert _client(rep).get(reverse("commerce:channels")).status_code == 403
    client = _client(manager)
    assert "EC" in _text(client.get(reverse("commerce:channels")))
    client.post(reverse("commerce:channels"), {"action": "add", "name": "催事"})
    fair = Channel.objects.get(name="催事")
    client.post(
        reverse("commerce:channels"), {"action": "rename", "id": fair.pk, "name": "催事・イベント"}
    )
    client.post(reverse("commerce:channels"), {"action": "up", "id": fair.pk})
    client.post(reverse("commerce:channels"), {"action": "toggle", "id": fair.pk})
    fair.refresh_from_db()
    names = list(Channel.objects.order_by("position", "id").values_list("name", flat=True))
    assert fair.name == "催事・イベント" and not fair.is_active
    assert names[-2:] == ["催事・イベント", names[-1]] and names[-1] != "催事・イベント"
    duplicate = client.post(
        reverse("commerce:channels"), {"action": "add", "name": "EC"}, follow=True
    )
    assert "既に" in _text(duplicate) or "すでに" in _text(duplicate)
