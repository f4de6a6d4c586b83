"""Shopify ``orders/updated`` and ``refunds/create`` through HTTP, signed as Shopify signs.

The bodies are Shopify's own examples of the Order and Refund resources (order 450789469
"#1001", refund 509562969 of two of its line items), copied unchanged from the test
fixtures of Shopify's Python library, Shopify/shopify_python_api, ``test/fixtures/order.json``
and ``test/fixtures/refund.json`` (commit 2f53a7c81a642d6d5cf9852bc8d77a6c758c25da; see
data/README.md). A webhook's body is the resource itself (the object inside the ``order`` /
``refund`` wrapper). Where a test needs a later state of the order (cancelled, another
``updated_at``), it changes the copy here and says so: those changes are ours."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.test import Client

from daifuku.commerce.models import Order, OrderStatus, Return, ReturnKind
from daifuku.commerce.services import webhooks

DATA = Path(__file__).parent / "data"
ORDER = json.loads((DATA / "shopify_python_api_order.json").read_text())["order"]
REFUND = json.loads((DATA / "shopify_python_api_refund.json").read_text())["refund"]
pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def shop(admin):
    source, secret = webhooks.create_source(
        actor=admin,
        name="Shopify store",
        kind="shopify",
        secret="shpss_test_secret",
        shop_domain="jsmith.myshopify.com",
    )
    return source, secret


def post(shop, topic: str, data: dict, webhook_id: str, *, secret=None):
    source, real = shop
    body = json.dumps(data).encode()
    return Client().post(
        f"/commerce/webhooks/{source.slug}/orders",
        body,
        content_type="application/json",
        headers={
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": webhooks.shopify_signature(secret or real, body),
            "X-Shopify-Shop-Domain": "jsmith.myshopify.com",
            "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-API-Version": "2016-07",
        },
    )


def test_line_item_ids_are_kept(shop):
    response = post(shop, "orders/create", ORDER, "create-1")
    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert order.external_id == str(ORDER["id"])
    items = ORDER["line_items"]
    lines = list(order.lines.order_by("position"))[: len(items)]
    assert [(line.external_id, line.name) for line in lines] == [
        (str(i["id"]), i["name"]) for i in items
    ]


def test_documented_refund_returns_its_lines_once(shop):
    assert post(shop, "orders/create", ORDER, "create-1").status_code == 201
    order = Order.objects.get()
    response = post(shop, "refunds/create", REFUND, "refund-1")
    assert response.status_code == 201, response.content
    assert response.json()["id"] == order.pk
    ret = Return.objects.get()
    assert ret.external_id == str(REFUND["id"])
    assert ret.kind == ReturnKind.RETURN
    assert ret.reason == REFUND["note"]
    refunded = {str(i["line_item_id"]): i["quantity"] for i in REFUND["refund_line_items"]}
    assert {r.order_line.external_id: r.quantity for r in ret.lines.all()} == refunded
    # the lines' own prices (cents; no JP tax line → 10 %) come back, the rest stays
    by_id = {line.external_id: line for line in order.lines.all()}
    back = sum(by_id[k].unit_price * n for k, n in refunded.items())
    order.refresh_from_db()
    assert ret.subtotal == -back
    assert order.net_subtotal == order.subtotal - back
    assert order.status == OrderStatus.PARTLY_RETURNED
    # Shopify retries the delivery, or delivers the same refund again: nothing new
    assert post(shop, "refunds/create", REFUND, "refund-1").json()["duplicate_delivery"]
    again = post(shop, "refunds/create", REFUND, "refund-1-again")
    assert again.status_code == 200 and Return.objects.count() == 1


def test_refund_of_an_unknown_order_or_line_is_a_clear_422(shop):
    unknown = post(shop, "refunds/create", REFUND, "refund-early")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_order")
    assert post(shop, "orders/create", ORDER, "create-1").status_code == 201
    # our change: a line item id that is not on the order
    wrong = copy.deepcopy(REFUND)
    wrong["refund_line_items"][0]["line_item_id"] = 1
    wrong["refund_line_items"][0]["line_item"]["id"] = 1
    wrong["refund_line_items"][0]["line_item"]["name"] = "Not sold here"
    bad = post(shop, "refunds/create", wrong, "refund-wrong")
    assert (bad.status_code, bad.json()["code"]) == (422, "unknown_line_item")
    assert "refund_line_items.0.line_item_id" in bad.json()["errors"]
    forged = post(shop, "refunds/create", REFUND, "refund-forged", secret="wrong")
    assert (forged.status_code, forged.json()["code"]) == (401, "bad_signature")
    assert not Return.objects.exists()


def test_refund_with_cancelled_lines_is_a_cancellation_and_money_alone_records_nothing(shop):
    assert post(shop, "orders/create", ORDER, "create-1").status_code == 201
    money = copy.deepcopy(REFUND)  # our change: a refund of money only, another id
    money.update(id=1001, refund_line_items=[])
    assert post(shop, "refunds/create", money, "refund-money").status_code == 200
    assert not Return.objects.exists()
    cancelled = copy.deepcopy(REFUND)  # our change: the items never shipped
    for item in cancelled["refund_line_items"]:
        item["restock_type"] = "cancel"
    assert post(shop, "refunds/create", cancelled, "refund-cancel").status_code == 201
    assert Return.objects.get().kind == ReturnKind.CANCELLATION


def test_update_records_an_unknown_order_and_cancels_once_per_updated_at(shop):
    first = post(shop, "orders/updated", ORDER, "update-1")
    assert first.status_code == 201, first.content  # never seen: recorded from the update
    order = Order.objects.get()
    assert order.external_updated_at is not None and not order.returns.exists()
    # our change: the merchant cancels the order later
    cancelled = copy.deepcopy(ORDER)
    cancelled.update(
        cancelled_at="2008-01-11T09:00:00-05:00",
        updated_at="2008-01-11T09:00:00-05:00",
        cancel_reason="customer",
    )
    response = post(shop, "orders/updated", cancelled, "update-2")
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.net_total == 0
    ret = order.returns.get()
    assert (ret.kind, ret.reason) == (ReturnKind.CANCELLATION, "customer")
    # the older update arriving late, the same update again, orders/cancelled and the refund
    # Shopify sends with a cancellation: nothing is reversed twice
    assert post(shop, "orders/updated", ORDER, "update-late").status_code == 200
    assert post(shop, "orders/updated", cancelled, "update-2-again").status_code == 200
    assert post(shop, "orders/cancelled", cancelled, "cancel-1").status_code == 200
    assert post(shop, "refunds/create", REFUND, "refund-1").status_code == 200
    assert Return.objects.count() == 1
    order.refresh_from_db()
    assert order.net_total == 0 and order.total > 0  # history kept, net of the reversal


def test_partial_refund_then_cancellation_reverses_only_the_rest(shop):
    assert post(shop, "orders/create", ORDER, "create-1").status_code == 201
    assert post(shop, "refunds/create", REFUND, "refund-1").status_code == 201
    cancelled = copy.deepcopy(ORDER)  # our change: cancelled after the refund
    cancelled.update(
        cancelled_at="2016-06-21T09:00:00-04:00", updated_at="2016-06-21T09:00:00-04:00"
    )
    assert post(shop, "orders/updated", cancelled, "update-1").status_code == 200
    order = Order.objects.get()
    assert order.net_total == 0
    kinds = [(r.kind, r.item_count) for r in order.returns.order_by("id")]
    assert kinds == [(ReturnKind.RETURN, 2), (ReturnKind.CANCELLATION, 1)]
