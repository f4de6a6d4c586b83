"""Route x role matrix: every operation of the API (taken from the OpenAPI document and
checked against the URL conf) is called as anonymous, with a revoked token, and as each
role — a rep of the owner's team, a manager of that team, an admin, and a rep, a marketer
and a support person of another team — against records owned by a Tokyo rep. The answer
each must get is written below in POLICY; an operation without an entry fails the test,
so a new route cannot ship without someone deciding who may call it.

Outcomes: ``ok`` (allowed: the request reaches the business rules, so anything but
401/403/404 and never a 5xx), ``403`` (the role may not), ``404`` (outside the caller's
scope: not confirmed to exist). Anonymous and revoked tokens are always 401. Each call
runs in a transaction rolled back afterwards, so every caller meets the same records."""

from __future__ import annotations

import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from tests.api_world import (
    build_world,
    json_body_schema,
    operations,
    path_for,
    png_bytes,
    resolve,
    sample,
)

pytestmark = pytest.mark.django_db

CALLERS = ("teammate", "manager", "admin", "other", "marketer", "support")

# who may: the callers in CALLERS order
EVERYONE = ("ok",) * 6
OWNER_TEAM = ("ok", "ok", "ok", "404", "404", "404")  # change a customer's records: own team
MANAGERS = ("403", "ok", "ok", "403", "403", "403")  # reference data: managers and admins
AUTHOR = ("404", "404", "ok", "404", "404", "404")  # a touch: its author (and admins) change it
TEAM_MANAGER = ("404", "ok", "ok", "404", "404", "404")  # the owner's manager, not a teammate
TEAM = ("ok", "ok", "ok", "404", "404", "404")  # read: touches, deals are the team's
# No record of this kind in the world (a duplicate group, a merge journal, an import, a
# trashed person): everyone gets 404 here; their scope rules are tested in their apps.
ABSENT = ("404",) * 6
ADMINS = ("403", "403", "ok", "403", "403", "403")  # the organisation's own settings
BUSINESS = ("403", "ok", "ok", "403", "ok", "403")  # business figures: managers, admins, marketers
# a segment made by the administrator: its owner, marketers, managers and admins change it
MARKETERS = ("404", "ok", "ok", "404", "ok", "404")

POLICY: dict[str, tuple[str, ...]] = {
    "GET /api/v1/me": EVERYONE,
    "POST /api/v1/me/calendar-feed": EVERYONE,
    "DELETE /api/v1/me/calendar-feed": EVERYONE,
    "GET /api/v1/settings/organization": EVERYONE,
    "PUT /api/v1/settings/organization": ADMINS,
    "GET /api/v1/settings/sender": ADMINS,  # the mail sender identity (marketing/api_sender.py)
    "PUT /api/v1/settings/sender": ADMINS,
    "GET /api/v1/people/{person_id}/stage-history": EVERYONE,
    "POST /api/v1/companies/{company_id}/restore": ABSENT,  # no trashed company in the world
    "GET /api/v1/lost-reasons": EVERYONE,
    # purchases follow the ledger: who reads the customer reads and records its orders;
    # a return changes the customer's figures (the owner's team); channels are reference data
    "GET /api/v1/orders": EVERYONE,
    # business figures describe the whole business: managers, admins and marketers
    # (docs/analytics.md); a person's recommendations follow the ledger
    "GET /api/v1/analytics/cohorts": BUSINESS,
    "GET /api/v1/analytics/second-purchase": BUSINESS,
    "GET /api/v1/analytics/repeat-rate": BUSINESS,
    "GET /api/v1/analytics/churn": BUSINESS,
    "GET /api/v1/analytics/ltv": BUSINESS,
    "GET /api/v1/analytics/revenue": BUSINESS,
    "GET /api/v1/analytics/retention-what-if": BUSINESS,
    "GET /api/v1/analytics/co-purchases": BUSINESS,
    "GET /api/v1/analytics/upsell-paths": BUSINESS,
    "GET /api/v1/analytics/clv": BUSINESS,
    "GET /api/v1/people/{person_id}/recommendations": EVERYONE,
    "POST /api/v1/orders": EVERYONE,
    "GET /api/v1/orders/{order_id}": EVERYONE,
    "POST /api/v1/orders/{order_id}/returns": OWNER_TEAM,
    # advocacy follows the ledger: everyone reads a person's NPS answers and referrals,
    # the owner's team records them
    "GET /api/v1/people/{person_id}/nps": EVERYONE,
    "POST /api/v1/people/{person_id}/nps": OWNER_TEAM,
    "GET /api/v1/people/{person_id}/referrals": EVERYONE,
    "POST /api/v1/people/{person_id}/referrals": OWNER_TEAM,
    "GET /api/v1/advocates": EVERYONE,
    # KPIs: everyone reads the organisation's goals, managers and admins set them
    "GET /api/v1/kpis": EVERYONE,
    "POST /api/v1/kpis": MANAGERS,
    "GET /api/v1/kpis/{kpi_id}/attainment": ABSENT,  # no KPI in the world
    "GET /api/v1/channels": EVERYONE,
    "POST /api/v1/channels": MANAGERS,
    "PATCH /api/v1/channels/{channel_id}": MANAGERS,
    # a customer's figures follow the ledger like its orders: who reads the customer reads them
    "GET /api/v1/people/{person_id}/metrics": EVERYONE,
    "GET /api/v1/companies/{company_id}/metrics": EVERYONE,
    "GET /api/v1/customers": EVERYONE,
    # segments: everyone reads them and builds their own; counts and members show only the
    # customers the caller may read (docs/marketing.md)
    "GET /api/v1/segments": EVERYONE,
    "POST /api/v1/segments": EVERYONE,
    "GET /api/v1/segments/fields": EVERYONE,
    "POST /api/v1/segments/count": EVERYONE,
    "GET /api/v1/segments/{segment_id}": EVERYONE,
    "PATCH /api/v1/segments/{segment_id}": MARKETERS,
    "DELETE /api/v1/segments/{segment_id}": MARKETERS,
    "GET /api/v1/segments/{segment_id}/count": EVERYONE,
    "GET /api/v1/segments/{segment_id}/members": EVERYONE,
    "POST /api/v1/segments/{segment_id}/members": MARKETERS,
    "POST /api/v1/segments/{segment_id}/members/remove": MARKETERS,
    "POST /api/v1/segments/{segment_id}/members/import": MARKETERS,
    # campaigns: everyone reads them and may write one; the administrator's campaign is
    # changed, sent and cancelled by marketers, managers and admins (a send reaches the
    # whole segment, so a rep never starts one)
    "GET /api/v1/campaigns": EVERYONE,
    "POST /api/v1/campaigns": EVERYONE,
    "GET /api/v1/campaigns/{campaign_id}": EVERYONE,
    "PUT /api/v1/campaigns/{campaign_id}": MARKETERS,
    "POST /api/v1/campaigns/{campaign_id}/send": MARKETERS,
    "POST /api/v1/campaigns/{campaign_id}/cancel": MARKETERS,
    "GET /api/v1/campaigns/{campaign_id}/stats": EVERYONE,
    # the ledger: everyone reads, the owner's team changes (docs/permissions.md)
    "GET /api/v1/people": EVERYONE,
    "POST /api/v1/people": EVERYONE,
    "GET /api/v1/people/{person_id}": EVERYONE,
    "PATCH /api/v1/people/{person_id}": OWNER_TEAM,
    "DELETE /api/v1/people/{person_id}": OWNER_TEAM,
    "POST /api/v1/people/{person_id}/restore": ABSENT,
    "GET /api/v1/people/{person_id}/history": EVERYONE,
    "GET /api/v1/people/{person_id}/household": EVERYONE,
    "POST /api/v1/people/{person_id}/household": OWNER_TEAM,
    "PATCH /api/v1/household/{member_id}": OWNER_TEAM,
    "DELETE /api/v1/household/{member_id}": OWNER_TEAM,
    "GET /api/v1/people/{person_id}/consents": EVERYONE,
    "POST /api/v1/people/{person_id}/consents": OWNER_TEAM,
    "GET /api/v1/companies": EVERYONE,
    "POST /api/v1/companies": EVERYONE,
    "GET /api/v1/companies/{company_id}": EVERYONE,
    "PATCH /api/v1/companies/{company_id}": OWNER_TEAM,
    "DELETE /api/v1/companies/{company_id}": OWNER_TEAM,
    "GET /api/v1/contacts": EVERYONE,
    "POST /api/v1/contacts": OWNER_TEAM,
    "PATCH /api/v1/contacts/{contact_id}": OWNER_TEAM,
    "DELETE /api/v1/contacts/{contact_id}": OWNER_TEAM,
    # reference data
    "GET /api/v1/tags": EVERYONE,
    "POST /api/v1/tags": EVERYONE,  # anyone may add a tag; only managers remove one
    "DELETE /api/v1/tags/{tag_id}": MANAGERS,
    "GET /api/v1/custom-fields": EVERYONE,
    "POST /api/v1/custom-fields": MANAGERS,
    "PATCH /api/v1/custom-fields/{field_id}": MANAGERS,
    "GET /api/v1/postal-codes/{code}": EVERYONE,
    # duplicates and merges
    "GET /api/v1/duplicates": EVERYONE,
    "GET /api/v1/duplicates/check": EVERYONE,
    "POST /api/v1/duplicates/scan": EVERYONE,
    "GET /api/v1/duplicates/{group_id}": ABSENT,
    "POST /api/v1/duplicates/{group_id}/merge": ABSENT,
    "POST /api/v1/duplicates/{group_id}/dismiss": ABSENT,
    "POST /api/v1/merges": OWNER_TEAM,
    "GET /api/v1/merges/{journal_id}": ABSENT,
    "POST /api/v1/merges/{journal_id}/undo": ABSENT,
    # touches: seen by the author's team, changed by the author
    "GET /api/v1/touches": EVERYONE,
    "POST /api/v1/touches": EVERYONE,
    "GET /api/v1/touches/{touch_id}": TEAM,
    "PATCH /api/v1/touches/{touch_id}": AUTHOR,
    "DELETE /api/v1/touches/{touch_id}": AUTHOR,
    "POST /api/v1/touches/{touch_id}/attachments": AUTHOR,
    "GET /api/v1/touches/{touch_id}/attachments": TEAM,
    "GET /api/v1/attachments/{attachment_id}": TEAM,
    "DELETE /api/v1/attachments/{attachment_id}": AUTHOR,
    "GET /api/v1/attachments/{attachment_id}/download": TEAM,
    "GET /api/v1/attachments/{attachment_id}/thumbnail": TEAM,
    # next actions: seen by the team, changed by the assignee and their manager
    "GET /api/v1/next-actions": EVERYONE,
    "POST /api/v1/next-actions": EVERYONE,
    "GET /api/v1/next-actions/{action_id}": TEAM,
    "PATCH /api/v1/next-actions/{action_id}": TEAM_MANAGER,
    "POST /api/v1/next-actions/{action_id}/complete": TEAM_MANAGER,
    "POST /api/v1/next-actions/{action_id}/cancel": TEAM_MANAGER,
    "GET /api/v1/notifications": EVERYONE,
    "POST /api/v1/notifications/read": EVERYONE,
    # sales: pipelines and products are managers' reference data; deals are the team's
    "GET /api/v1/pipelines": EVERYONE,
    "POST /api/v1/pipelines": MANAGERS,
    "GET /api/v1/pipelines/{pipeline_id}": EVERYONE,
    "POST /api/v1/pipelines/{pipeline_id}/stages": MANAGERS,
    "PATCH /api/v1/stages/{stage_id}": MANAGERS,
    "GET /api/v1/products": EVERYONE,
    "POST /api/v1/products": MANAGERS,
    "PATCH /api/v1/products/{product_id}": MANAGERS,
    "GET /api/v1/deals": EVERYONE,
    "POST /api/v1/deals": EVERYONE,
    "GET /api/v1/deals/{deal_id}": TEAM,
    "PATCH /api/v1/deals/{deal_id}": TEAM,
    "POST /api/v1/deals/{deal_id}/move": TEAM,
    "GET /api/v1/deals/{deal_id}/stage-changes": TEAM,
    "POST /api/v1/deals/{deal_id}/lines": TEAM,
    "PATCH /api/v1/deals/{deal_id}/lines/{line_id}": TEAM,
    "DELETE /api/v1/deals/{deal_id}/lines/{line_id}": TEAM,
    "POST /api/v1/deals/{deal_id}/contacts": TEAM,
    "DELETE /api/v1/deals/{deal_id}/contacts/{contact_id}": TEAM,
    "POST /api/v1/deals/{deal_id}/quotes": TEAM,
    "GET /api/v1/quotes/{quote_id}": TEAM,
    "GET /api/v1/quotes/{quote_id}/pdf": TEAM,
    "GET /api/v1/targets": EVERYONE,
    "POST /api/v1/targets": MANAGERS,
    "DELETE /api/v1/targets/{target_id}": TEAM_MANAGER,  # a rep's target: their manager removes it
    "GET /api/v1/forecast": EVERYONE,
    "GET /api/v1/funnel": EVERYONE,
    # imports: anyone may upload; an import is its uploader's
    "POST /api/v1/imports": EVERYONE,
    "GET /api/v1/imports/fields": EVERYONE,
    "GET /api/v1/imports/{import_id}": ABSENT,
    "PATCH /api/v1/imports/{import_id}": ABSENT,
    "POST /api/v1/imports/{import_id}/start": ABSENT,
    "GET /api/v1/imports/{import_id}/rows": ABSENT,
    "GET /api/v1/imports/{import_id}/failed.csv": ABSENT,
    "POST /api/v1/imports/{import_id}/undo": ABSENT,
    "GET /api/v1/exports/people": EVERYONE,
}


def _api_url_patterns(resolver=None, prefix=""):
    """The API's routes as Django knows them (``/api/v1/...`` regex strings)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_url_patterns(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            yield route


@pytest.fixture
def callers(make_user, teams, rep):
    from daifuku.accounts.services import create_api_token, revoke_api_token

    users = {
        "teammate": make_user("teammate", "rep", teams["tokyo"]),
        "manager": make_user("manager", "manager", teams["tokyo"]),
        "admin": make_user("admin", "admin"),
        "other": make_user("other", "rep", teams["osaka"]),
        "marketer": make_user("marketer", "marketer", teams["osaka"]),
        "support": make_user("support", "support", teams["osaka"]),
    }
    tokens = {
        name: create_api_token(actor=user, user=user, name="matrix")[1]
        for name, user in users.items()
    }
    row, secret = create_api_token(actor=rep, user=rep, name="revoked")
    revoke_api_token(actor=rep, token=row)
    tokens["revoked"] = secret
    return users, tokens


def _request(method, path, body, token):
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    with transaction.atomic():
        if isinstance(body, dict):  # multipart: a file upload
            response = client.post(
                path, {name: SimpleUploadedFile(*args) for name, args in body.items()}, **headers
            )
        elif method in ("post", "patch", "put"):
            response = getattr(client, method)(
                path, body, content_type="application/json", **headers
            )
        else:
            response = getattr(client, method)(path, **headers)
        transaction.set_rollback(True)
    return response


def _outcome(status: int) -> str:
    if status in (401, 403, 404):
        return str(status)
    assert status < 500, status
    return "ok"


def _body(doc, operation, world):
    content = (operation.get("requestBody") or {}).get("content", {})
    if "multipart/form-data" in content:
        return {"file": ("photo.png", png_bytes(), "image/png")}
    schema = json_body_schema(doc, operation)
    if schema is None:
        return None
    body = sample(doc, schema)
    for name, sub in schema.get("properties", {}).items():
        if name in world and resolve(doc, sub).get("type") == "integer":
            body[name] = world[name]
    return json.dumps(body)


def test_every_api_route_is_in_the_document():
    """The matrix walks the OpenAPI document: every route the URL conf serves under
    /api/ must be in it (a view mounted beside ninja would escape the policy)."""
    import re

    doc_paths = set(Client().get("/api/v1/openapi.json").json()["paths"])
    routes = {"/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route) for route in _api_url_patterns()}
    # the document itself, its viewer and ninja's root (a redirect to it) are the only
    # routes outside it
    assert routes - doc_paths == {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/"}
    assert doc_paths <= routes


def test_route_role_matrix(rep, manager_world):
    world, (users, tokens) = manager_world
    doc = Client().get("/api/v1/openapi.json").json()
    observed, missing, wrong = {}, [], []
    for method, template, operation in operations(doc):
        key = f"{method.upper()} {template}"
        path = path_for(template, world)
        body = _body(doc, operation, world)
        for anonymous in (None, tokens["revoked"]):
            status = _request(method, path, body, anonymous).status_code
            if status != 401:
                wrong.append((key, "anonymous" if anonymous is None else "revoked", status))
        got = tuple(
            _outcome(_request(method, path, body, tokens[name]).status_code) for name in CALLERS
        )
        observed[key] = got
        if key not in POLICY:
            missing.append(key)
        elif POLICY[key] != got:
            wrong.append((key, POLICY[key], got))
    if os.environ.get("DAIFUKU_MATRIX_PRINT"):
        for key, got in observed.items():
            print(f"    {key!r}: {got},")
    assert not missing, f"operations without a policy entry: {missing}"
    assert not wrong, wrong
    assert set(POLICY) <= set(observed), (
        f"policy entries for operations that no longer exist: {set(POLICY) - set(observed)}"
    )


@pytest.fixture
def manager_world(rep, callers):
    users, _tokens = callers
    return build_world(rep, extended=True, manager=users["admin"]), callers


# --- the browser's routes -----------------------------------------------------------------

# Pages anyone may open without signing in; every other page sends them to the login.
PUBLIC_PAGES = {
    "accounts/login/",
    "accounts/logout/",
    "i18n/setlang/",
    "favicon.ico",
    # password reset by e-mail and the invitee's first password (docs/accounts.md)
    "accounts/password/reset/",
    "accounts/password/reset/sent/",
    "accounts/password/reset/<uidb64>/<token>/",
    "accounts/password/reset/complete/",
    "accounts/invitation/<uidb64>/<token>/",
    # an EC site's server posts orders here: the HMAC signature is the proof, no sign-in
    # (POST only; docs/commerce.md "Order webhooks")
    "commerce/webhooks/<slug:slug>/orders",
    # the web behaviour snippet and the addresses it posts to are called by a site's
    # visitors' browsers (CORS limited to the configured sites; docs/behaviour.md)
    "behaviour/collect.js",
    "behaviour/collect",
    "behaviour/identify",
}


def _ui_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _ui_routes(pattern, route)
        elif not route.startswith("api/"):
            yield route


def _concrete(route: str) -> str:
    import re

    return "/" + re.sub(
        r"<(?:(\w+):)?(\w+)>",
        lambda m: "x" if m.group(1) in ("str", "slug", "path") else "1",
        route,
    ).lstrip("^").rstrip("$")


def test_every_page_needs_a_sign_in_unless_listed_public(db):
    routes = sorted(set(_ui_routes()))
    assert len(routes) > 40
    exposed = []
    for route in routes:
        if route in PUBLIC_PAGES:
            continue
        response = Client().get(_concrete(route))
        signed_out = response.status_code in (302, 301) and "/accounts/login/" in response.get(
            "Location", ""
        )
        if not (signed_out or response.status_code in (404, 405)):
            exposed.append((route, response.status_code))
    assert exposed == []
