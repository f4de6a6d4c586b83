"""Inbound order webhooks: our signed JSON and Shopify's orders/create, through HTTP."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.test import Client

from daifuku.commerce.models import Order, WebhookDelivery
from daifuku.commerce.services import webhooks
from daifuku.customers.models import Person

SAMPLE = Path(__file__).parent / "data" / "shopify_orders_create.json"
pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def ours(admin):
    source, secret = webhooks.create_source(actor=admin, name="Our shop", kind="daifuku")
    return source, secret


@pytest.fixture
def shopify(admin):
    source, secret = webhooks.create_source(
        actor=admin,
        name="Shopify store",
        kind="shopify",
        secret="shpss_test_secret",
        shop_domain="jsmith.myshopify.com",
    )
    return source, secret


def _post_ours(source, secret, data, *, stamp=None, signature=None, client=None):
    body = json.dumps(data).encode()
    stamp = int(time.time()) if stamp is None else stamp
    header = signature or webhooks.daifuku_signature(secret, stamp, body)
    return (client or Client()).post(
        f"/commerce/webhooks/{source.slug}/orders",
        body,
        content_type="application/json",
        headers={"X-Daifuku-Signature": header},
    )


def _order(person, number="W-1"):
    return {
        "number": number,
        "person_id": person.pk,
        "ordered_at": "2026-11-03T10:00:00+09:00",
        "lines": [{"name": "煎茶", "quantity": 2, "unit_price": 1000, "tax_rate": 8}],
    }


def test_signed_order_is_recorded_once_by_number(ours, person):
    source, secret = ours
    first = _post_ours(source, secret, _order(person), stamp=int(time.time()) - 10)
    assert first.status_code == 201, first.content
    assert first.json()["total"] == 2160
    # a new signature (another time), the same number
    again = _post_ours(source, secret, _order(person), stamp=int(time.time()))
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Order.objects.filter(source=source.slug, number="W-1").count() == 1


def test_bad_signature_stale_time_and_replay_are_refused(ours, person):
    source, secret = ours
    wrong = _post_ours(source, "not-the-secret", _order(person))
    assert (wrong.status_code, wrong.json()["code"]) == (401, "bad_signature")
    missing = Client().post(
        f"/commerce/webhooks/{source.slug}/orders", b"{}", content_type="application/json"
    )
    assert (missing.status_code, missing.json()["code"]) == (401, "bad_signature")
    old = _post_ours(source, secret, _order(person), stamp=int(time.time()) - 301)
    assert (old.status_code, old.json()["code"]) == (400, "stale_timestamp")
    future = _post_ours(source, secret, _order(person), stamp=int(time.time()) + 301)
    assert future.json()["code"] == "stale_timestamp"
    body = json.dumps(_order(person, "W-2")).encode()
    header = webhooks.daifuku_signature(secret, int(time.time()), body)
    assert _post_ours(source, secret, _order(person, "W-2"), signature=header).status_code == 201
    replay = _post_ours(source, secret, _order(person, "W-2"), signature=header)
    assert (replay.status_code, replay.json()["code"]) == (409, "replayed")
    assert not Order.objects.filter(number="W-1").exists()


def test_unknown_or_stopped_source_and_invalid_body(ours, admin, person):
    source, secret = ours
    nowhere = Client().post(
        "/commerce/webhooks/nope/orders", b"{}", content_type="application/json"
    )
    assert (nowhere.status_code, nowhere.json()["code"]) == (404, "unknown_source")
    not_json = b"{not json"
    header = webhooks.daifuku_signature(secret, int(time.time()), not_json)
    bad = Client().post(
        f"/commerce/webhooks/{source.slug}/orders",
        not_json,
        content_type="application/json",
        headers={"X-Daifuku-Signature": header},
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_body")
    missing_field = _post_ours(source, secret, {"number": "X"})
    assert missing_field.status_code == 422 and missing_field.json()["code"] == "invalid_body"
    webhooks.set_active(actor=admin, source=source, active=False)
    stopped = _post_ours(source, secret, _order(person))
    assert stopped.json()["code"] == "unknown_source"


def test_unknown_customer_is_a_json_404(ours, person):
    source, secret = ours
    order = _order(person, "W-9")
    order["person_id"] = person.pk + 1000
    response = _post_ours(source, secret, order)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    order.pop("person_id")
    order["customer_number"] = "nobody"
    response = _post_ours(source, secret, order, stamp=int(time.time()) - 1)
    assert (response.status_code, response.json()["code"]) == (422, "unknown_customer")


def test_rotated_secret_replaces_the_old_one(ours, admin, person):
    source, old = ours
    new = webhooks.rotate_secret(actor=admin, source=source)
    assert new != old
    stamp = int(time.time()) - 1
    assert _post_ours(source, old, _order(person), stamp=stamp).json()["code"] == "bad_signature"
    assert _post_ours(source, new, _order(person)).status_code == 201


def test_only_admins_manage_sources(rep, manager):
    from daifuku.core.errors import PermissionDenied

    for user in (rep, manager):
        with pytest.raises(PermissionDenied):
            webhooks.create_source(actor=user, name="x", kind="daifuku")


def _post_shopify(
    source,
    secret,
    body: bytes,
    webhook_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    topic="orders/create",
):
    return Client().post(
        f"/commerce/webhooks/{source.slug}/orders",
        body,
        content_type="application/json",
        headers={
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": webhooks.shopify_signature(secret, body),
            "X-Shopify-Shop-Domain": "jsmith.myshopify.com",
            "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-API-Version": "2024-07",
        },
    )


def test_shopify_documented_sample_is_recorded(shopify):
    source, secret = shopify
    body = SAMPLE.read_bytes()
    sample = json.loads(body)
    response = _post_shopify(source, secret, body)
    assert response.status_code == 201, response.content
    order = Order.objects.get(pk=response.json()["id"])
    assert order.number == sample["name"]
    assert order.source == source.slug
    items = sample["line_items"]
    assert order.lines.count() == len(items) + len(sample["shipping_lines"])

    # prices without tax (taxes_included false) in the minor unit of the shop's currency
    # (the sample is in US dollars: cents), the order in that currency;
    # no JP tax line → 10 %; shipping is a line of its own
    assert sample["currency"] == "USD" and order.currency == "USD"

    def whole(text):
        return int((Decimal(text) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    shipping = sum(whole(s["price"]) for s in sample["shipping_lines"])
    subtotal = sum(whole(i["price"]) * i["quantity"] for i in items) + shipping
    assert [line.name for line in order.lines.all()][: len(items)] == [i["name"] for i in items]
    assert order.subtotal == subtotal
    assert order.tax == subtotal * 10 // 100
    customer = sample["customer"]
    person = order.person
    assert person.member_number == str(customer["id"])
    assert person.emails.first().address == customer["email"]
    assert person.family_name == customer["last_name"]
    # Shopify retries the same delivery: 200, nothing new
    retry = _post_shopify(source, secret, body)
    assert retry.status_code == 200 and retry.json()["duplicate_delivery"] is True
    assert Order.objects.count() == 1 and Person.objects.count() == 1
    # another delivery of the same order (new webhook id): still one order
    other = _post_shopify(source, secret, body, webhook_id="another-delivery")
    assert other.status_code == 200 and other.json()["id"] == order.pk


def test_shopify_matches_existing_customer_by_email_and_handles_inclusive_tax(shopify, rep):
    from daifuku.customers.services import create_person

    source, secret = shopify
    known = create_person(actor=rep, data={"family_name": "山田", "email": "hanako@example.jp"})
    sample = json.loads(SAMPLE.read_bytes())
    sample.update(
        name="#1002",
        currency="JPY",
        taxes_included=True,
        shipping_lines=[],
        customer={
            "id": 42,
            "email": "Hanako@Example.jp",
            "first_name": "花子",
            "last_name": "山田",
        },
    )
    sample["line_items"] = [
        {
            "title": "煎茶",
            "name": "煎茶",
            "sku": "",
            "quantity": 2,
            "price": "1080",
            "tax_lines": [{"rate": 0.08, "price": "160", "title": "消費税"}],
        },
        {
            "title": "湯呑み",
            "name": "湯呑み",
            "sku": "",
            "quantity": 1,
            "price": "3300",
            "tax_lines": [{"rate": 0.1, "price": "300", "title": "消費税"}],
            "discount_allocations": [{"amount": "330"}],
        },
    ]
    body = json.dumps(sample, ensure_ascii=False).encode()
    response = _post_shopify(source, secret, body, webhook_id="jp-1")
    assert response.status_code == 201, response.content
    order = Order.objects.get(pk=response.json()["id"])
    assert order.person_id == known.pk
    assert {(row["rate"], row["taxable"]) for row in order.tax_breakdown} == {(8, 2000), (10, 2700)}
    assert order.total == 2160 + 2970


def test_shopify_bad_signature_wrong_shop_and_topic(shopify):
    source, secret = shopify
    body = SAMPLE.read_bytes()
    forged = _post_shopify(source, "wrong", body)
    assert (forged.status_code, forged.json()["code"]) == (401, "bad_signature")
    headers = {
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": webhooks.shopify_signature(secret, body),
        "X-Shopify-Shop-Domain": "someone-else.myshopify.com",
        "X-Shopify-Webhook-Id": "x",
    }
    url = f"/commerce/webhooks/{source.slug}/orders"
    other = Client().post(url, body, content_type="application/json", headers=headers)
    assert other.json()["code"] == "unknown_source"
    headers["X-Shopify-Shop-Domain"] = "jsmith.myshopify.com"
    headers["X-Shopify-Topic"] = "products/create"
    topic = Client().post(url, body, content_type="application/json", headers=headers)
    assert (topic.status_code, topic.json()["code"]) == (400, "invalid_body")
    assert not Order.objects.exists()


def test_old_deliveries_are_forgotten(ours, person):
    import datetime as dt

    from django.utils import timezone

    source, secret = ours
    _post_ours(source, secret, _order(person))
    assert webhooks.forget_old_deliveries() == 0
    assert webhooks.forget_old_deliveries(timezone.now() + dt.timedelta(days=2)) == 1
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_real_http_signed_order(live_server, admin, person):
    source, secret = webhooks.create_source(actor=admin, name="Live", kind="daifuku")
    body = json.dumps(_order(person, "LIVE-1")).encode()
    url = f"{live_server.url}/commerce/webhooks/{source.slug}/orders"

    def post(signature):
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "X-Daifuku-Signature": signature},
        )
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    good = webhooks.daifuku_signature(secret, int(time.time()), body)
    assert post(good)[0] == 201
    assert post(good) == (409, post(good)[1]) and post(good)[1]["code"] == "replayed"
    assert post("t=1,v1=00")[1]["code"] == "bad_signature"


def test_admin_page_shows_secret_once(admin, rep):
    client = Client()
    client.force_login(admin)
    page = client.get("/commerce/settings/webhooks/")
    assert page.status_code == 200
    made = client.post(
        "/commerce/settings/webhooks/",
        {"name": "EC本店", "kind": "daifuku", "create_missing_customers": "on"},
    )
    assert made.status_code == 200
    secret = made.context["secret"]
    assert secret.startswith("whsec_") and secret in made.content.decode()
    assert secret not in client.get("/commerce/settings/webhooks/").content.decode()
    other = Client()
    other.force_login(rep)
    assert other.get("/commerce/settings/webhooks/").status_code == 404


def test_shopify_cancellation_reverses_the_order_whole_once(shopify):
    """``orders/cancelled`` (Shopify sends the order with ``cancelled_at``): the order stays,
    a cancellation entry reverses it, and the net is zero; a second delivery changes nothing;
    a cancellation whose order never arrived records the order and its reversal."""
    from daifuku.commerce.models import ReturnKind

    source, secret = shopify
    body = SAMPLE.read_bytes()
    created = _post_shopify(source, secret, body)
    assert created.status_code == 201
    cancelled = _post_shopify(source, secret, body, webhook_id="cancel-1", topic="orders/cancelled")
    assert cancelled.status_code == 200, cancelled.content
    order = Order.objects.get()
    assert order.net_total == 0 and order.total > 0
    assert [r.kind for r in order.returns.all()] == [ReturnKind.CANCELLATION]
    again = _post_shopify(source, secret, body, webhook_id="cancel-2", topic="orders/cancelled")
    assert again.status_code == 200 and order.returns.count() == 1
    sample = json.loads(body)
    sample["name"] = "#10000"
    other = json.dumps(sample).encode()
    first_seen = _post_shopify(
        source, secret, other, webhook_id="cancel-3", topic="orders/cancelled"
    )
    assert first_seen.status_code == 201
    unseen = Order.objects.get(number="#10000")
    assert unseen.net_total == 0 and unseen.returns.count() == 1
