import json

import pytest

from daifuku.customers.models import Person
from daifuku.customers.tests import factories

pytestmark = pytest.mark.django_db


def test_contract_create_person_and_find_by_half_width_kana(rep_api):
    response = rep_api.post(
        "/api/v1/people",
        {
            "family_name": "山田",
            "given_name": "花子",
            "family_kana": "ヤマダ",
            "given_kana": "ハナコ",
            "email": "hanako@example.jp",
            "phone": "090-1234-5678",
            "postal_code": "100-0001",
            "birthday": "1990-04-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] and body["family_kana"] == "ヤマダ" and body["email"] == "hanako@example.jp"
    assert body["prefecture"] == "東京都" and body["birthday"] == "1990-04-01" and body["age_band"]
    hits = rep_api.get("/api/v1/customers", {"search": "ﾔﾏﾀﾞ"}).json()
    assert hits["items"] == [
        {
            "type": "person",
            "id": body["id"],
            "display_name": "山田 花子 様",
            "kana": "ヤマダ ハナコ",
        }
    ]


def test_contract_create_company(rep_api):
    response = rep_api.post(
        "/api/v1/companies",
        {
            "name": "㈱山田製作所",
            "kana": "ヤマダセイサクショ",
            "corporate_number": "7000012050002",
            "phone": "03-1234-5678",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["display_name"] == "株式会社山田製作所" and body["phone"] == "03-1234-5678"
    hits = rep_api.get("/api/v1/customers", {"search": "山田製作所"}).json()["items"]
    assert hits[0]["type"] == "company" and hits[0]["id"] == body["id"]


def test_field_level_422_and_unknown_fields_rejected(rep_api):
    response = rep_api.post("/api/v1/people", {"family_name": "田中", "favourite_colour": "red"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "favourite_colour" in response.json()["errors"]
    response = rep_api.post(
        "/api/v1/people", {"family_name": "田中", "email": "nope", "birthday": "1990-13-01"}
    )
    assert response.status_code == 422
    assert "birthday" in response.json()["errors"]
    response = rep_api.post("/api/v1/people", {"family_name": "田中", "email": "nope"})
    assert response.status_code == 422 and set(response.json()["errors"]) == {"emails"}
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        "null",
        '{"family_name": 5}',
        '{"family_name": "x" , "tags": "VIP"}',
        '{"family_name": "\\u0000"}',
        '{"family_name": "' + "長" * 5000 + '"}',
        '{"family_name": "a", "custom_fields": []}',
    ],
)
def test_no_500_on_junk(rep_api, body):
    response = rep_api.client.post(
        "/api/v1/people",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {rep_api.token}",
    )
    assert 400 <= response.status_code < 500, response.content
    assert "code" in response.json()


@pytest.mark.parametrize(
    "query", [{"cursor": "garbage"}, {"limit": "0"}, {"limit": "x"}, {"sort": "nope"}]
)
def test_list_bad_parameters_are_4xx(rep_api, query):
    response = rep_api.get("/api/v1/people", query)
    assert 400 <= response.status_code < 500


def test_etag_and_if_match(rep_api, rep):
    person = factories.person(rep)
    response = rep_api.get(f"/api/v1/people/{person.pk}")
    assert response["ETag"] == '"1"'
    ok = rep_api.patch(f"/api/v1/people/{person.pk}", {"notes": "a"}, HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = rep_api.patch(f"/api/v1/people/{person.pk}", {"notes": "b"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    person.refresh_from_db()
    assert person.notes == "a"
    conflict = rep_api.patch(f"/api/v1/people/{person.pk}", {"notes": "c", "version": 1})
    assert conflict.status_code == 409


def test_cursor_pagination_in_kana_order(rep_api, rep):
    for kana in ("ワダ", "アベ", "カトウ", "サトウ", "ナカノ"):
        factories.person(rep, family_name=kana, family_kana=kana, given_kana="")
    first = rep_api.get("/api/v1/people", {"limit": 2}).json()
    second = rep_api.get("/api/v1/people", {"limit": 2, "cursor": first["next_cursor"]}).json()
    third = rep_api.get("/api/v1/people", {"limit": 2, "cursor": second["next_cursor"]}).json()
    assert [p["family_kana"] for p in first["items"] + second["items"] + third["items"]] == [
        "アベ",
        "カトウ",
        "サトウ",
        "ナカノ",
        "ワダ",
    ]
    assert third["next_cursor"] is None


def test_list_query_budget(rep_api, rep, django_assert_max_num_queries):
    for i in range(30):
        factories.person(rep, family_name=f"田中{i}", tags=["VIP"], email=f"x{i}@example.jp")
    with django_assert_max_num_queries(4):
        response = rep_api.get("/api/v1/people", {"limit": 30})
    assert len(response.json()["items"]) == 30 and response.json()["items"][0]["tags"] == ["VIP"]


def test_deleted_people_vanish_from_api(rep_api, rep):
    person = factories.person(rep)
    assert rep_api.delete(f"/api/v1/people/{person.pk}").status_code == 204
    assert rep_api.get(f"/api/v1/people/{person.pk}").status_code == 404
    assert rep_api.get("/api/v1/people").json()["items"] == []
    assert rep_api.get("/api/v1/customers", {"search": "田中"}).json()["items"] == []
    assert rep_api.post(f"/api/v1/people/{person.pk}/restore").status_code == 200


def test_household_consent_contacts_tags_custom_fields_endpoints(rep_api, admin_api, rep):
    person = rep_api.post("/api/v1/people", {"family_name": "佐藤"}).json()
    company = rep_api.post("/api/v1/companies", {"name": "佐藤商事"}).json()
    member = rep_api.post(
        f"/api/v1/people/{person['id']}/household", {"name": "佐藤 花子", "relation": "spouse"}
    )
    assert member.status_code == 201
    assert (
        rep_api.patch(
            f"/api/v1/household/{member.json()['id']}", {"birthday": "1985-01-02"}
        ).json()["birthday"]
        == "1985-01-02"
    )
    assert len(rep_api.get(f"/api/v1/people/{person['id']}/household").json()) == 1
    consent = rep_api.post(
        f"/api/v1/people/{person['id']}/consents",
        {"channel": "email", "status": "opted_in", "method": "form", "evidence": "web form #12"},
    )
    assert consent.status_code == 201
    assert (
        rep_api.post(
            f"/api/v1/people/{person['id']}/consents",
            {"channel": "email", "status": "opted_in", "method": "form", "evidence": ""},
        ).status_code
        == 422
    )
    contact = rep_api.post(
        "/api/v1/contacts",
        {"person_id": person["id"], "company_id": company["id"], "is_key_person": True},
    )
    assert contact.status_code == 201
    assert (
        rep_api.get("/api/v1/contacts", {"company_id": company["id"]}).json()[0]["is_key_person"]
        is True
    )
    assert rep_api.post("/api/v1/tags", {"name": "VIP", "color": "#ff0000"}).status_code == 201
    assert (
        rep_api.post(
            "/api/v1/custom-fields",
            {"target": "person", "key": "rank", "label": "Rank", "field_type": "text"},
        ).status_code
        == 403
    )
    assert (
        admin_api.post(
            "/api/v1/custom-fields",
            {"target": "person", "key": "rank", "label": "Rank", "field_type": "text"},
        ).status_code
        == 201
    )
    assert rep_api.patch(f"/api/v1/people/{person['id']}", {"custom_fields": {"rank": "A"}}).json()[
        "custom_fields"
    ] == {"rank": "A"}
    history = rep_api.get(f"/api/v1/people/{person['id']}/history").json()
    assert {"create", "update", "consent"} <= {h["action"] for h in history}


ENDPOINTS = [
    ("get", "/api/v1/customers?search=x"),
    ("get", "/api/v1/people"),
    ("post", "/api/v1/people"),
    ("get", "/api/v1/people/{person}"),
    ("patch", "/api/v1/people/{person}"),
    ("delete", "/api/v1/people/{person}"),
    ("get", "/api/v1/people/{person}/household"),
    ("post", "/api/v1/people/{person}/household"),
    ("get", "/api/v1/people/{person}/consents"),
    ("post", "/api/v1/people/{person}/consents"),
    ("get", "/api/v1/people/{person}/history"),
    ("get", "/api/v1/companies"),
    ("post", "/api/v1/companies"),
    ("get", "/api/v1/companies/{company}"),
    ("patch", "/api/v1/companies/{company}"),
    ("get", "/api/v1/contacts?person_id={person}"),
    ("post", "/api/v1/contacts"),
    ("get", "/api/v1/tags"),
    ("get", "/api/v1/custom-fields"),
    ("get", "/api/v1/postal-codes/1000001"),
    ("get", "/api/v1/me"),
]


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_every_endpoint_requires_authentication(client, rep, method, path):
    person = factories.person(rep)
    company = factories.company(rep)
    url = path.format(person=person.pk, company=company.pk)
    response = (
        getattr(client, method)(url, content_type="application/json")
        if method != "get"
        else client.get(url)
    )
    assert response.status_code == 401


def test_revoked_token_is_refused(rep_api, rep):
    from daifuku.accounts.models import ApiToken
    from daifuku.accounts.services import revoke_api_token

    revoke_api_token(actor=rep, token=ApiToken.objects.get(user=rep))
    assert rep_api.get("/api/v1/people").status_code == 401


def test_other_team_rep_reads_but_cannot_write_out_of_scope(api_client, rep, other_rep):
    person = factories.person(rep)
    company = factories.company(rep)
    other = api_client(other_rep)
    assert other.get(f"/api/v1/people/{person.pk}").status_code == 200
    assert other.patch(f"/api/v1/people/{person.pk}", {"notes": "x"}).status_code == 404
    assert other.delete(f"/api/v1/people/{person.pk}").status_code == 404
    assert (
        other.post(
            f"/api/v1/people/{person.pk}/household", {"name": "x", "relation": "child"}
        ).status_code
        == 404
    )
    assert (
        other.post(
            f"/api/v1/people/{person.pk}/consents",
            {"channel": "email", "status": "opted_in", "method": "form", "evidence": "x"},
        ).status_code
        == 404
    )
    assert other.patch(f"/api/v1/companies/{company.pk}", {"notes": "x"}).status_code == 404
    assert (
        other.post(
            "/api/v1/contacts", {"person_id": person.pk, "company_id": company.pk}
        ).status_code
        == 404
    )
    assert other.get("/api/v1/people/999999").status_code == 404


def test_session_auth_needs_csrf_for_writes(client, rep):
    client.force_login(rep)
    assert client.get("/api/v1/people").status_code == 200
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(rep)
    assert (
        strict.post(
            "/api/v1/people", json.dumps({"family_name": "x"}), content_type="application/json"
        ).status_code
        == 401
    )


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/people" in paths and "/api/v1/customers" in paths


def test_me(rep_api, rep):
    body = rep_api.get("/api/v1/me").json()
    assert body["username"] == "rep" and body["role"] == "rep" and body["team_name"] == "東京営業"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-kana"},
        {"sort": "created"},
        {"owner": "me"},
        {"lifecycle": "customer"},
        {"search": "田中"},
        {"prefecture": "東京都", "stage": "basic"},
    ],
)
def test_list_rows_equal_the_model_rendering(rep_api, rep, teammate, params):
    """The API's list is built from plain rows; it must say exactly what the model-based
    rendering (serializers.person_list_dict over selectors.list_people) says."""
    from django.core.serializers.json import DjangoJSONEncoder

    from daifuku.customers import selectors
    from daifuku.customers.serializers import person_list_dict

    for index, (name, kana) in enumerate(
        [("田中", "タナカ"), ("阿部", "アベ"), ("和田", "ワダ"), ("中田", "ナカタ")]
    ):
        owner = rep if index % 2 else teammate
        factories.person(
            owner,
            family_name=name,
            family_kana=kana,
            given_name="一" * (index + 1),
            lifecycle="customer",
            prefecture="東京都",
            relationship_stage="basic",
            tags=["VIP", "近所"][: index % 3],
            emails=[{"address": f"p{index}@example.jp"}, {"address": f"q{index}@example.jp"}],
            phone="03-1234-567" + str(index),
            owner=owner.pk,
        )
    factories.person(rep, family_name="無名", family_kana="", given_kana="", owner=None)
    size = 3
    filters = selectors.PersonFilters(
        q=params.get("search", ""),
        owner=rep.pk if params.get("owner") else None,
        lifecycle=params.get("lifecycle", ""),
        stage=params.get("stage", ""),
        prefecture=params.get("prefecture", ""),
    )
    cursor = None
    seen, rendered = 0, []
    while True:
        body = rep_api.get(
            "/api/v1/people", {**params, "limit": size, **({"cursor": cursor} if cursor else {})}
        ).json()
        page = selectors.list_people(
            rep, filters, sort=params.get("sort", "kana"), cursor=cursor, size=size
        )
        expected = json.loads(
            json.dumps([person_list_dict(p) for p in page.items], cls=DjangoJSONEncoder)
        )
        assert body["items"] == expected
        assert body["next_cursor"] == page.next_cursor
        seen += len(expected)
        rendered += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen >= 1
    if not params:  # the data really has what the rows must carry
        assert {"p1@example.jp", "p3@example.jp"} <= {item["email"] for item in rendered}
        assert ["VIP"] in [item["tags"] for item in rendered] and None in [
            item["owner"] for item in rendered
        ]
        assert all(item["phone"] for item in rendered if item["family_name"] != "無名")
