"""The API's shared contract: conditional requests (If-Match, RFC 9110 §13.1.1) and an
OpenAPI document that describes what the API really answers."""

from __future__ import annotations

import collections

import pytest
from pydantic import BaseModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(rep):
    from daifuku.customers.tests import factories

    return factories.person(rep, family_name="山田", given_name="花子")


@pytest.mark.parametrize(
    "header, status",
    [
        ("*", 200),
        ('"1"', 200),
        ('"7", "1"', 200),
        ('"7","1"', 200),
        ('W/"1"', 200),
        ('"7", "8"', 412),
        ('"abc"', 412),
        ('"1', 412),
    ],
)
def test_if_match_wildcard_and_lists(rep_api, person, header, status):
    response = rep_api.patch(f"/api/v1/people/{person.pk}", {"notes": "更新"}, HTTP_IF_MATCH=header)
    assert response.status_code == status, response.json()
    if status == 412:
        assert response.json()["code"] == "precondition_failed"
        person.refresh_from_db()
        assert person.notes == ""
    else:
        assert response["ETag"] == '"2"'


def test_if_match_on_deals_wildcard_list_and_stale(admin_api, admin):
    from daifuku.customers.services import create_company
    from daifuku.sales.services import create_deal, create_pipeline

    pipeline = create_pipeline(
        actor="test",
        name="P",
        stages=[
            {"name": "見込み", "probability": 10},
            {"name": "受注", "kind": "won"},
            {"name": "失注", "kind": "lost"},
        ],
    )
    company = create_company(actor="test", data={"name": "山田商事"})
    deal = create_deal(
        actor=admin,
        data={
            "title": "案件",
            "company_id": company.pk,
            "pipeline_id": pipeline.pk,
            "amount": 1,
            "expected_close": "2026-05-01",
        },
    )
    url = f"/api/v1/deals/{deal.pk}"
    assert admin_api.patch(url, {"title": "一"}, HTTP_IF_MATCH="*").status_code == 200
    current = admin_api.get(url)["ETag"]
    assert (
        admin_api.patch(url, {"title": "二"}, HTTP_IF_MATCH=f'"999", {current}').status_code == 200
    )
    assert (
        admin_api.patch(url, {"title": "三"}, HTTP_IF_MATCH=current).json()["code"]
        == "precondition_failed"
    )


@pytest.mark.parametrize(
    "header, status", [("*", 200), ('"7", "1"', 200), ('W/"1"', 200), ('"7"', 412)]
)
def test_if_match_on_the_organisation_profile(admin_api, header, status):
    """The organisation profile reads If-Match as every versioned record does."""
    response = admin_api.client.put(
        "/api/v1/settings/organization",
        {"name": "株式会社大福商事"},
        content_type="application/json",
        **admin_api._headers({"HTTP_IF_MATCH": header}),
    )
    assert response.status_code == status, response.content
    if status == 412:
        assert response.json()["code"] == "precondition_failed"
    else:
        assert response["ETag"] == '"2"'


def _document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_documents_its_error_responses(client):
    from daifuku.api.openapi import ALWAYS, WRITES

    document = _document(client)
    assert document["components"]["schemas"]["Error"]["required"] == ["code", "message", "errors"]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            expected = set(ALWAYS) | (
                set(WRITES) if method in ("post", "patch", "put", "delete") else set()
            )
            documented = {int(status) for status in operation["responses"]}
            assert expected <= documented, (method, path, expected - documented)
            for status in expected:
                assert operation["responses"][str(status)]["content"]["application/json"][
                    "schema"
                ] == {"$ref": "#/components/schemas/Error"}


def test_no_two_schemas_share_a_name():
    """ninja names a component after its class: two classes of one name overwrite each
    other in the document (sales' and customers' ContactIn did)."""
    from daifuku.api.api import operations

    names: dict[str, set[str]] = collections.defaultdict(set)
    seen: set = set()

    def walk(model):
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or model in seen:
            return
        seen.add(model)
        names[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
        for field in model.model_fields.values():
            stack = [field.annotation]
            while stack:
                kind = stack.pop()
                walk(kind)
                stack.extend(getattr(kind, "__args__", ()))

    for _path, operation in operations():
        for model in [*operation.response_models.values(), *operation.models]:
            walk(model)
    assert {name: where for name, where in names.items() if len(where) > 1} == {}
