"""The orders API contract: record (idempotent), return, list; permissions; bad input."""

from __future__ import annotations

import pytest

from daifuku.commerce.models import Order, Return

BODY = {
    "number": "A-1001",
    "ordered_at": "2026-11-03",
    "channel": "店舗",
    "lines": [
        {"sku": "TEA-1", "quantity": 2},
        {"name": "包装料", "quantity": 1, "unit_price": 100, "tax_rate": 10},
    ],
}


def test_record_then_same_number_returns_the_existing_order(rep_api, person, products):
    response = rep_api.post("/api/v1/orders", {**BODY, "person_id": person.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    # 8 %: 2,002 → 160; 10 %: 100 → 10
    assert (
        body["total"],
        body["tax"],
        body["subtotal"],
        body["customer_type"],
        body["customer_id"],
    ) == (2_272, 170, 2_102, "person", person.pk)
    assert body["ordered_at"].startswith("2026-11-02T15:00:00")
    assert [(line["sku"], line["name"], line["amount"]) for line in body["lines"]] == [
        ("TEA-1", "煎茶 100g", 2_002),
        (None, "包装料", 100),
    ]
    again = rep_api.post(
        "/api/v1/orders",
        {**BODY, "person_id": person.pk, "lines": [{"name": "x", "unit_price": 1}]},
    )
    assert (
        again.status_code == 200
        and again.json()["id"] == body["id"]
        and again.json()["total"] == 2_272
    )
    assert Order.objects.count() == 1


def test_total_only_company_and_member_number(rep_api, company, rep):
    from daifuku.customers.models import Person

    response = rep_api.post(
        "/api/v1/orders",
        {
            "number": "EC-1",
            "source": "ec",
            "company_id": company.pk,
            "ordered_at": "2026-11-03T10:30:00+09:00",
            "channel": "EC",
            "total": 12_100,
        },
    )
    assert response.status_code == 201
    assert (response.json()["total"], response.json()["tax"], response.json()["customer_type"]) == (
        12_100,
        1_100,
        "company",
    )
    Person.objects.create(family_name="会員", member_number="M-77", owner=rep)
    member = rep_api.post(
        "/api/v1/orders",
        {
            "number": "EC-2",
            "customer_number": "M-77",
            "ordered_at": "2026-11-04",
            "total": 1_080,
            "tax_rate": 8,
        },
    )
    assert member.status_code == 201 and member.json()["tax"] == 80
    unknown = rep_api.post(
        "/api/v1/orders",
        {"number": "EC-3", "customer_number": "M-00", "ordered_at": "2026-11-04", "total": 1},
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_customer")


def test_returns_endpoint_whole_and_lines(rep_api, person, products):
    order = rep_api.post("/api/v1/orders", {**BODY, "person_id": person.pk}).json()
    tea = order["lines"][0]["id"]
    part = rep_api.post(
        f"/api/v1/orders/{order['id']}/returns", {"lines": [{"line_id": tea, "quantity": 1}]}
    )
    assert part.status_code == 201 and (part.json()["subtotal"], part.json()["tax"]) == (
        -1_001,
        -80,
    )
    too_many = rep_api.post(
        f"/api/v1/orders/{order['id']}/returns", {"lines": [{"line_id": tea, "quantity": 2}]}
    )
    assert (too_many.status_code, too_many.json()["code"]) == (422, "return_exceeds_order")
    rest = rep_api.post(
        f"/api/v1/orders/{order['id']}/returns", {"reason": "キャンセル", "kind": "cancellation"}
    )
    assert rest.status_code == 201
    detail = rep_api.get(f"/api/v1/orders/{order['id']}").json()
    assert (detail["status"], detail["net_total"], detail["total"], len(detail["returns"])) == (
        "cancelled",
        0,
        2_272,
        2,
    )
    assert [line["returned_quantity"] for line in detail["lines"]] == [2, 1]


def test_list_by_person_with_cursor_pages(
    rep_api, person, company, products, django_assert_max_num_queries
):
    for n in range(5):
        rep_api.post(
            "/api/v1/orders",
            {**BODY, "number": f"A-{n}", "ordered_at": f"2026-11-0{n + 1}", "person_id": person.pk},
        )
    rep_api.post("/api/v1/orders", {**BODY, "number": "B-1", "company_id": company.pk})
    with django_assert_max_num_queries(12):
        first = rep_api.get("/api/v1/orders", {"person_id": person.pk, "limit": 3}).json()
    assert [o["number"] for o in first["items"]] == ["A-4", "A-3", "A-2"]
    second = rep_api.get(
        "/api/v1/orders", {"person_id": person.pk, "limit": 3, "cursor": first["next_cursor"]}
    ).json()
    assert [o["number"] for o in second["items"]] == ["A-1", "A-0"] and second[
        "next_cursor"
    ] is None
    assert len(rep_api.get("/api/v1/orders").json()["items"]) == 6


def test_out_of_scope_is_404(api_client, rep_api, other_rep, person, products):
    from daifuku.customers.services import delete_person

    order = rep_api.post("/api/v1/orders", {**BODY, "person_id": person.pk}).json()
    osaka = api_client(other_rep)
    # another team reads the ledger (everyone may), but may not change this customer's orders
    assert osaka.get(f"/api/v1/orders/{order['id']}").status_code == 200
    assert osaka.post(f"/api/v1/orders/{order['id']}/returns", {}).status_code == 404
    assert Return.objects.count() == 0
    delete_person(actor=person.owner, person=person)
    assert rep_api.get(f"/api/v1/orders/{order['id']}").status_code == 404
    assert rep_api.get("/api/v1/orders", {"person_id": person.pk}).status_code == 404
    assert (
        rep_api.post("/api/v1/orders", {**BODY, "number": "Z", "person_id": person.pk}).status_code
        == 404
    )
    assert api_client(other_rep).client.get("/api/v1/orders").status_code == 401


@pytest.mark.parametrize(
    "body, code, field",
    [
        ({"ordered_at": "3/11"}, "invalid_date", "ordered_at"),
        ({"person_id": None}, "customer_required", "customer"),
        ({"company_id": 1}, "ambiguous_customer", "customer"),
        ({"lines": [{"sku": "NOPE"}]}, "validation_error", "lines.0.sku"),
        (
            {"lines": [{"name": "x", "quantity": -1, "unit_price": 1}]},
            "validation_error",
            "lines.0.quantity",
        ),
        ({"lines": [{"name": "x", "unit_price": "abc"}]}, "validation_error", "lines.0.unit_price"),
        ({"lines": None, "total": None}, "no_lines", "total"),
        ({"total": 100}, "lines_and_total", "total"),
        ({"channel": "屋台"}, "unknown_channel", "channel"),
        ({"colour": "red"}, "validation_error", "colour"),
    ],
)
def test_bad_input_is_4xx_with_a_stable_code(rep_api, person, products, body, code, field):
    response = rep_api.post("/api/v1/orders", {**BODY, "person_id": person.pk, **body})
    assert response.status_code == 422, response.content
    assert response.json()["code"] == code and field in response.json()["errors"], response.json()
    assert Order.objects.count() == 0


def test_bad_return_input(rep_api, person, products):
    order = rep_api.post("/api/v1/orders", {**BODY, "person_id": person.pk}).json()
    for body in (
        {"lines": [{"line_id": 999999, "quantity": 1}]},
        {"lines": [{"line_id": order["lines"][0]["id"]}]},
        {"kind": "refund"},
        {"returned_at": "soon"},
        {"returned_at": "2026-11-01"},
    ):
        response = rep_api.post(f"/api/v1/orders/{order['id']}/returns", body)
        assert response.status_code == 422 and response.json()["code"], (body, response.content)
    assert rep_api.post("/api/v1/orders/abc/returns", {}).status_code in (404, 422)
    assert rep_api.post("/api/v1/orders/999999/returns", {}).status_code == 404
    assert Return.objects.count() == 0


def test_every_endpoint_needs_authentication(person, products):
    from django.test import Client

    client = Client()
    for method, path in (
        ("get", "/api/v1/orders"),
        ("post", "/api/v1/orders"),
        ("get", "/api/v1/orders/1"),
        ("post", "/api/v1/orders/1/returns"),
    ):
        response = getattr(client, method)(path, content_type="application/json")
        assert response.status_code == 401 and response.json()["code"], (method, path)


def test_channels_are_a_list_managers_keep(rep_api, admin_api, person, products):
    from daifuku.core.models import AuditEntry

    names = [c["name"] for c in rep_api.get("/api/v1/channels").json()["items"]]
    assert names == ["店舗", "EC", "電話", "外商", "イベント"]  # created by the first migrate
    assert rep_api.post("/api/v1/channels", {"name": "催事"}).status_code == 403
    created = admin_api.post("/api/v1/channels", {"name": "催事"})
    assert created.status_code == 201 and created.json()["position"] == 60
    assert admin_api.post("/api/v1/channels", {"name": "催事"}).json()["code"] == "duplicate"
    order = rep_api.post(
        "/api/v1/orders", {**BODY, "number": "K-1", "channel": "催事", "person_id": person.pk}
    )
    assert order.status_code == 201 and order.json()["channel"] == "催事"
    assert (
        admin_api.patch(f"/api/v1/channels/{created.json()['id']}", {"is_active": False}).json()[
            "is_active"
        ]
        is False
    )
    assert AuditEntry.objects.filter(object_type="commerce.channel").count() == 2
    refused = rep_api.post(
        "/api/v1/orders", {**BODY, "number": "K-2", "channel": "屋台", "person_id": person.pk}
    )
    assert "店舗、EC、電話、外商、イベント" in refused.json()["errors"]["channel"][0]


def test_member_number_given_through_the_people_api_names_the_customer_of_an_order(rep_api):
    person = rep_api.post(
        "/api/v1/people", {"family_name": "会員", "member_number": "ＥＣ－０４２"}
    )
    assert person.status_code == 201 and person.json()["member_number"] == "EC-042"
    order = rep_api.post(
        "/api/v1/orders",
        {"number": "EC-9", "customer_number": "EC-042", "ordered_at": "2026-11-04", "total": 1_100},
    )
    assert order.status_code == 201
    assert order.json()["person_id"] == person.json()["id"]
    unknown = rep_api.post(
        "/api/v1/orders",
        {"number": "EC-10", "customer_number": "EC-999", "ordered_at": "2026-11-04", "total": 1},
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_customer"
