"""The bad-input corpus, sent to every write endpoint's JSON body and every query
parameter the OpenAPI document lists: each answer is a 4xx with the JSON envelope and
nothing is saved (a long text may be taken with a 2xx when the field ignores it: then it is
not in the answer), never a 5xx. A new endpoint is probed without anyone listing it here."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client
from tests.api_world import (
    build_world,
    fingerprint,
    json_body_schema,
    operations,
    path_for,
    resolve,
    sample,
)

pytestmark = pytest.mark.django_db

SURROGATE = "\ud800"
NUL = "a\x00b"
LONG = "x" * 100_001  # beyond any column and beyond TEXT_MAX
HUGE_INTS = [2**63, -(2**63) - 1, 10**40]
BAD_CURSORS = [
    "zz",
    "!!!",
    base64.urlsafe_b64encode(b"[1,2,3,4,5]").decode(),
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
]
GOOD_QUERY = {"period": "2026-05", "target": "person", "search": "%E5%B1%B1%E7%94%B0"}
WHOLE_BODIES = [
    b'{"a": "\xff\xfe"}',  # invalid UTF-8
    b"[" * 50_000 + b"]" * 50_000,  # deep nesting
    b'{"a": ' * 5_000 + b"1" + b"}" * 5_000,  # deep objects
    b"not json",
    b'{"a": "' + b"x" * (10 * 1024 * 1024) + b'"}',  # over the 10 MB body limit
]


def document(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


@pytest.fixture
def world(admin, rep):
    return build_world(rep)


def send(api, method: str, path: str, body: bytes):
    return getattr(api.client, method)(
        path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api.token}"
    )


def assert_refused(response, what, *, may_succeed=False):
    status = response.status_code
    assert status < 500, (what, status, response.content[:300])
    if may_succeed and status < 400:
        return
    assert 400 <= status < 500, (what, status, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), (what, response["Content-Type"])
    assert set(response.json()) == {"code", "message", "errors"}, (what, response.content[:300])


def bad_bodies(doc, schema):
    """``(label, body bytes, may_succeed)``: each property of the body with each bad value."""
    base = sample(doc, schema)
    for name, sub in schema.get("properties", {}).items():
        kind = resolve(doc, sub).get("type")
        values = []
        if kind == "string":
            values = [("surrogate", SURROGATE, False), ("nul", NUL, False), ("long", LONG, True)]
        elif kind == "integer":
            values = [(f"int {v}", v, False) for v in HUGE_INTS]
        elif kind == "array":
            values = [("[surrogate]", [SURROGATE], False), ("[nul]", [NUL], False)]
        elif kind == "object":
            values = [("{nul key}", {NUL: "x"}, False), ("{surrogate}", {"k": SURROGATE}, False)]
        for label, value, may_succeed in values:
            yield f"{name}={label}", json.dumps({**base, name: value}).encode(), may_succeed


def test_every_json_write_refuses_the_corpus_and_saves_nothing(admin_api, world):
    doc = document(admin_api.client)
    probed = 0
    for method, template, operation in operations(doc):
        if method not in ("post", "patch", "put"):
            continue
        path = path_for(template, world)
        schema = json_body_schema(doc, operation)
        cases = (
            [(f"body #{i}", body, False) for i, body in enumerate(WHOLE_BODIES)]
            if schema is not None
            else []
        )
        if schema is not None:
            cases += list(bad_bodies(doc, schema))
        for label, body, may_succeed in cases:
            before = fingerprint()
            response = send(admin_api, method, path, body)
            assert_refused(response, (method, template, label), may_succeed=may_succeed)
            if response.status_code < 400:  # the long text was taken as something else, not stored
                assert LONG.encode() not in response.content, (method, template, label)
                continue
            assert fingerprint() == before, (method, template, label, response.status_code)
            probed += 1
    assert probed > 300


def test_every_list_refuses_bad_query_parameters(admin_api, world):
    doc = document(admin_api.client)
    probed = 0
    for method, template, operation in operations(doc):
        if method != "get":
            continue
        path = path_for(template, world)
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        # the other parameters good, so the bad one is what is judged (a search that
        # finds nothing never reads its cursor)
        base = {
            p["name"]: GOOD_QUERY[p["name"]]
            for p in query
            if p["name"] in GOOD_QUERY and (p.get("required") or p["name"] == "search")
        }
        for parameter in query:
            kind = resolve(doc, parameter.get("schema", {})).get("type")
            name = parameter["name"]
            values = ["%00", "a%00b"]
            if kind == "integer" or name.endswith("_id"):
                values += [str(v) for v in HUGE_INTS]
            if name in ("cursor", "after", "before"):
                values += BAD_CURSORS
            for value in values:
                others = "".join(f"&{k}={v}" for k, v in base.items() if k != name)
                response = admin_api.client.get(
                    f"{path}?{name}={value}{others}", HTTP_AUTHORIZATION=f"Bearer {admin_api.token}"
                )
                assert_refused(response, (template, name, value))
                probed += 1
    assert probed > 100


@pytest.mark.parametrize("path", ["/customers/", "/customers/companies/", "/sales/deals/"])
@pytest.mark.parametrize(
    "query", ["after=zz", "before=!!!", "after=" + BAD_CURSORS[2], "q=%00", "team=" + str(2**64)]
)
def test_ui_lists_refuse_bad_query_parameters_with_a_page(admin, path, query):
    client = Client()
    client.force_login(admin)
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
