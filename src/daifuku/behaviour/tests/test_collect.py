"""/behaviour/collect and /behaviour/identify through HTTP; the inbox and its flush."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from daifuku.behaviour.models import Event, InboxBatch, VisitorLink
from daifuku.behaviour.services import (
    delete_expired_events,
    flush,
    identify,
    make_token,
    update_settings,
)
from daifuku.behaviour.services.collect import CollectRefused

from .conftest import SITE

pytestmark = pytest.mark.django_db
VISITOR = "v" + uuid.uuid4().hex


def _event(kind="page_view", **extra):
    return {
        "id": uuid.uuid4().hex,
        "type": kind,
        "ts": timezone.now().isoformat(),
        "url": "https://shop.example.jp/items/tea",
        **extra,
    }


def _post(path, payload, origin=SITE, client=None):
    return (client or Client()).post(
        f"/behaviour/{path}",
        json.dumps(payload),
        content_type="text/plain",
        headers={"Origin": origin} if origin else {},
    )


def test_batch_lands_in_inbox_then_events_once(site):
    events = [_event(), _event("product_view", sku="TEA-1"), _event("search", q="緑茶")]
    events.append(_event("cart", sku="TEA-1", qty=2, value=2160))
    response = _post("collect", {"visitor": VISITOR, "events": events})
    assert response.status_code == 202 and response.json() == {"accepted": 4}
    assert response["Access-Control-Allow-Origin"] == SITE
    assert "Set-Cookie" not in response  # the server sets no cookie, first- or third-party
    flush()
    assert InboxBatch.objects.count() == 0
    stored = {e.kind: e for e in Event.objects.filter(visitor_id=VISITOR)}
    assert set(stored) == {"page_view", "product_view", "search", "cart"}
    assert stored["cart"].value == 2160 and stored["cart"].quantity == 2
    assert stored["search"].query == "緑茶"
    # the browser sends the same batch again (its answer was lost): stored once
    _post("collect", {"visitor": VISITOR, "events": events})
    flush()
    assert Event.objects.filter(visitor_id=VISITOR).count() == 4


def test_other_sites_and_bad_bodies_are_refused(site):
    foreign = _post(
        "collect", {"visitor": VISITOR, "events": [_event()]}, origin="https://evil.example"
    )
    assert (foreign.status_code, foreign.json()["code"]) == (403, "origin_not_allowed")
    assert "Access-Control-Allow-Origin" not in foreign
    no_origin = _post("collect", {"visitor": VISITOR, "events": [_event()]}, origin=None)
    assert no_origin.status_code == 403
    bad = Client().post(
        "/behaviour/collect", b"{oops", content_type="text/plain", headers={"Origin": SITE}
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_body")
    anonymous = _post("collect", {"events": [_event()]})
    assert anonymous.json()["code"] == "invalid_visitor"
    too_many = _post("collect", {"visitor": VISITOR, "events": [_event()] * 51})
    assert too_many.status_code == 400
    unknown_kind = _post("collect", {"visitor": VISITOR, "events": [_event("purchase")]})
    assert unknown_kind.json() == {"accepted": 0}
    assert not InboxBatch.objects.exists()


def test_preflight_answers_only_allowed_sites(site):
    ok = Client().options("/behaviour/collect", headers={"Origin": SITE})
    assert ok.status_code == 204 and ok["Access-Control-Allow-Origin"] == SITE
    other = Client().options("/behaviour/collect", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other


def test_two_flushes_never_move_a_batch_twice(site):
    for _ in range(3):
        _post("collect", {"visitor": VISITOR, "events": [_event(), _event()]})
    assert flush() == 6
    assert flush() == 0
    assert Event.objects.count() == 6


def test_identify_stitches_past_and_future_events(site, rep):
    from daifuku.customers.services import create_person

    person = create_person(actor=rep, data={"family_name": "山田", "custom_fields": {}})
    _post("collect", {"visitor": VISITOR, "events": [_event()]})
    flush()
    token = make_token(person)
    response = _post("identify", {"visitor": VISITOR, "token": token, "via": "login"})
    assert response.status_code == 200, response.content
    assert VisitorLink.objects.get(visitor_id=VISITOR).person == person
    assert Event.objects.get(visitor_id=VISITOR).person == person
    _post("collect", {"visitor": VISITOR, "events": [_event("product_view", sku="X")]})
    flush()
    assert Event.objects.filter(person=person).count() == 2
    # never by guessing: a forged or expired token is refused
    forged = _post("identify", {"visitor": "v" + uuid.uuid4().hex, "token": token[:-2] + "00"})
    assert (forged.status_code, forged.json()["code"]) == (401, "bad_token")
    expired = make_token(person, ttl=-1)
    with pytest.raises(CollectRefused):
        identify("v" + uuid.uuid4().hex, expired)


def test_identify_by_member_number(site, rep):
    from daifuku.customers.models import Person

    person = Person.objects.create(
        family_name="会員", custom_fields={"member_number": "M-77"}, owner=rep
    )
    assert identify(VISITOR, make_token(member_number="M-77"), "form") == person
    with pytest.raises(CollectRefused):
        identify(VISITOR, make_token(member_number="nobody"))


def test_retention_job_deletes_older_events(site):
    now = timezone.now()
    for age in (1, 29, 31, 400):
        Event.objects.create(
            event_id=uuid.uuid4().hex,
            visitor_id=VISITOR,
            kind="page_view",
            occurred_at=now - dt.timedelta(days=age),
        )
    assert delete_expired_events(now) == 2
    assert Event.objects.count() == 2


def test_snippet_says_whether_consent_is_required(site, admin):
    script = Client().get("/behaviour/collect.js")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("text/javascript")
    assert "var REQUIRE_CONSENT = true;" in script.content.decode()
    update_settings(actor=admin, require_consent=False, allowed_origins=SITE, retention_days=30)
    assert "var REQUIRE_CONSENT = false;" in Client().get("/behaviour/collect.js").content.decode()


def test_settings_are_for_admins(site, admin, rep):
    from daifuku.core.errors import PermissionDenied, ValidationFailed

    with pytest.raises(PermissionDenied):
        update_settings(actor=rep, require_consent=False, allowed_origins="", retention_days=1)
    with pytest.raises(ValidationFailed):
        update_settings(actor=admin, require_consent=True, allowed_origins="shop", retention_days=0)
    client = Client()
    client.force_login(admin)
    page = client.get("/behaviour/settings/")
    assert page.status_code == 200 and "collect.js" in page.content.decode()
    saved = client.post(
        "/behaviour/settings/",
        {
            "require_consent": "on",
            "allowed_origins": SITE + "\nhttps://b.example.jp",
            "retention_days": 90,
        },
    )
    assert saved.status_code == 302
    other = Client()
    other.force_login(rep)
    assert other.get("/behaviour/settings/").status_code == 404


def test_person_page_shows_recent_web_activity_only_when_there_is_some(site, rep):
    from django.urls import reverse

    from daifuku.customers.services import create_person

    person = create_person(actor=rep, data={"family_name": "山田"})
    client = Client()
    client.force_login(rep)
    url = reverse("customers:person", args=[person.pk])
    assert "h-person-web" not in client.get(url).content.decode()
    _post("collect", {"visitor": VISITOR, "events": [_event("search", q="緑茶")]})
    flush()
    identify(VISITOR, make_token(person), "login")
    body = client.get(url).content.decode()
    assert "h-person-web" in body and "緑茶" in body
