"""Bad input is a 4xx with the JSON envelope (API) or a 400 page (browser), never a 500,
and nothing is saved — the findings of the security review, one test each, on SQLite and
PostgreSQL alike (``core.input_guard``, ``core.middleware.RequestGuardMiddleware``)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

HUGE = str(2**64)


def envelope(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"code", "message", "errors"}, body
    if code:
        assert body["code"] == code, body
    return body


@pytest.fixture
def pipeline(db):
    from daifuku.sales.tests import factories

    return factories.pipeline()


def raw_post(api, path, body: bytes | str, method="post"):
    return getattr(api.client, method)(
        path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api.token}"
    )


def test_lone_surrogate_and_nul_in_json_are_refused_and_nothing_saved(admin_api):
    from daifuku.customers.models import Person

    body = envelope(
        raw_post(admin_api, "/api/v1/people", '{"family_name": "\\ud800", "given_name": "x"}'),
        422,
        "invalid_input",
    )
    assert list(body["errors"]) == ["family_name"]
    body = envelope(
        admin_api.post("/api/v1/people", {"family_name": "山田", "given_name": "a\x00b"}),
        422,
        "invalid_input",
    )
    assert list(body["errors"]) == ["given_name"]
    body = envelope(
        admin_api.post(
            "/api/v1/people",
            {"family_name": "山田", "given_name": "花子", "custom": {"k\x00": "v"}},
        ),
        422,
    )
    assert not Person.all_objects.exists()


def test_body_over_ten_megabytes_is_413_envelope(admin_api):
    big = b'{"family_name": "' + b"a" * (10 * 1024 * 1024 + 1) + b'"}'
    envelope(raw_post(admin_api, "/api/v1/people", big), 413, "request_too_large")


@pytest.mark.parametrize(
    "body", ["{nope", b'{"family_name": "\xff"}', "[" * 100_000 + "]" * 100_000]
)
def test_unparseable_body_is_400_envelope(admin_api, body):
    envelope(raw_post(admin_api, "/api/v1/people", body), 400, "invalid_body")


def test_positions_beyond_64_bits_or_their_column_are_refused(admin_api, pipeline):
    from daifuku.customers.models import CustomFieldDefinition

    for position in (2**63, 2**40):
        body = envelope(
            admin_api.post(
                "/api/v1/custom-fields",
                {
                    "target": "person",
                    "key": "rank",
                    "label": "ランク",
                    "field_type": "text",
                    "position": position,
                },
            ),
            422,
        )
        assert list(body["errors"]) == ["position"]
    assert not CustomFieldDefinition.objects.exists()
    stage = pipeline.stages.order_by("position").first()
    before = stage.position
    for position in (2**63, 2**31):
        body = envelope(admin_api.patch(f"/api/v1/stages/{stage.pk}", {"position": position}), 422)
        assert list(body["errors"]) == ["position"]
    stage.refresh_from_db()
    assert stage.position == before


@pytest.mark.parametrize(
    "path, field",
    [
        (f"/api/v1/contacts?person_id={HUGE}", "person_id"),
        (f"/api/v1/people?team={HUGE}", "team"),
        (f"/api/v1/deals?stage_id={HUGE}", "stage_id"),
        (f"/api/v1/forecast?period=2026-05&team_id={HUGE}", "team_id"),
        (f"/api/v1/people/{HUGE}", "person_id"),
    ],
)
def test_huge_integers_in_query_and_path_are_422(admin_api, path, field):
    assert list(envelope(admin_api.get(path), 422, "invalid_input")["errors"]) == [field]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/people?search=a%00b",
        "/api/v1/customers?search=%00",
        "/api/v1/postal-codes/10%000001",
    ],
)
def test_nul_in_the_address_is_400_envelope(admin_api, path):
    envelope(admin_api.get(path), 400, "invalid_character")


@pytest.mark.parametrize(
    "path, data",
    [
        ("/api/v1/products", {"code": "x" * 5000, "name": "品名", "unit_price": 1}),
        ("/api/v1/products", {"code": "P-1", "name": "名" * 201, "unit_price": 1}),
        ("/api/v1/pipelines", {"name": "長" * 101}),
        (
            "/api/v1/pipelines",
            {
                "name": "P",
                "stages": [
                    {"name": "段" * 101},
                    {"name": "受注", "kind": "won"},
                    {"name": "失注", "kind": "lost"},
                ],
            },
        ),
    ],
)
def test_over_long_text_is_refused_alike_on_both_databases(admin_api, path, data):
    from daifuku.sales.models import Pipeline, Product

    before = (Product.objects.count(), Pipeline.objects.count())
    body = envelope(admin_api.post(path, data), 422)
    assert any(
        "at most" in m or "以内" in m for messages in body["errors"].values() for m in messages
    ), body
    assert (Product.objects.count(), Pipeline.objects.count()) == before


def test_over_long_stage_name_on_an_existing_pipeline(admin_api, pipeline):
    envelope(admin_api.post(f"/api/v1/pipelines/{pipeline.pk}/stages", {"name": "段" * 101}), 422)
    assert pipeline.stages.count() == 3


def test_unknown_route_wrong_method_and_bad_json_are_envelopes(admin_api):
    envelope(admin_api.get("/api/v1/no-such-thing"), 404, "not_found")
    response = admin_api.delete("/api/v1/deals/1")
    envelope(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"] and "PATCH" in response["Allow"]
    envelope(admin_api.client.get("/api/v1/people"), 401, "not_authenticated")


# --- the browser ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/customers/?team={HUGE}",
        f"/sales/deals/?stage={HUGE}",
        f"/sales/deals/?owner={HUGE}",
        "/customers/?after=zzzz",
        "/customers/?before=zz",
        "/customers/companies/?after=zz",
        "/sales/deals/?after=zz",
        "/customers/?q=a%00b",
    ],
)
def test_ui_lists_answer_400_page_for_huge_numbers_bad_cursors_and_nul(admin, path):
    client = Client()
    client.force_login(admin)
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"<h1>" in response.content


def test_form_post_with_nul_or_broken_utf8_is_a_field_error_or_replaced_never_500(admin):
    from daifuku.customers.models import Person

    client = Client()
    client.force_login(admin)
    response = client.post(
        "/customers/people/new/",
        "family_name=a%00&given_name=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and not Person.all_objects.exists()
    # %ED%A0%80 is a surrogate's UTF-8 form: Django decodes it as U+FFFD, which is storable
    response = client.post(
        "/customers/people/new/",
        "family_name=%ED%A0%80&given_name=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 302)
    assert all("\ud800" not in p.family_name for p in Person.all_objects.all())


def test_the_model_guard_refuses_what_a_form_or_service_would_store(admin):
    from daifuku.core.errors import ValidationFailed
    from daifuku.sales.services import create_product

    with pytest.raises(ValidationFailed) as refused:
        create_product(actor=admin, data={"code": "x" * 41, "name": "n", "unit_price": 1})
    assert list(refused.value.errors) == ["code"]
