"""The touches API contract: create, list newest first, edit by the author, permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daifuku.activities.models import Touch, TouchDailyCount
from daifuku.core import events

pytestmark = pytest.mark.django_db


def test_post_touch_and_list_newest_first(rep_api, person):
    first = rep_api.post(
        "/api/v1/touches",
        {
            "person_id": person.pk,
            "kind": "call",
            "occurred_at": "2025-04-01T10:00:00+09:00",
            "summary": "初回のお電話",
            "body": "**予算**は100万円",
        },
    )
    assert first.status_code == 201, first.json()
    second = rep_api.post(
        "/api/v1/touches",
        {
            "person_id": person.pk,
            "kind": "visit",
            "occurred_at": "2025-04-03T15:30:00+09:00",
            "summary": "ご訪問",
            "body": "<script>alert(1)</script>見積提示",
            "duration_minutes": 45,
        },
    )
    assert second.status_code == 201
    body = first.json()
    assert body["kind"] == "call" and body["rep"] == "営業 一郎" and body["person_id"] == person.pk
    assert body["occurred_at"].startswith("2025-04-01T01:00:00")
    assert body["body_html"] == "<p><strong>予算</strong>は100万円</p>\n"
    assert "<script" not in second.json()["body_html"]

    listing = rep_api.get(f"/api/v1/touches?person_id={person.pk}")
    assert listing.status_code == 200
    assert [t["summary"] for t in listing.json()["items"]] == ["ご訪問", "初回のお電話"]
    assert listing.json()["next_cursor"] is None


def test_list_pages_with_a_cursor(rep_api, person, log):
    now = timezone.now()
    for i in range(5):
        log(summary=f"t{i}", occurred_at=now - dt.timedelta(hours=i))
    page1 = rep_api.get(f"/api/v1/touches?person_id={person.pk}&limit=2").json()
    page2 = rep_api.get(
        f"/api/v1/touches?person_id={person.pk}&limit=2&cursor={page1['next_cursor']}"
    ).json()
    page3 = rep_api.get(
        f"/api/v1/touches?person_id={person.pk}&limit=2&cursor={page2['next_cursor']}"
    ).json()
    assert [t["summary"] for t in page1["items"] + page2["items"] + page3["items"]] == [
        "t0",
        "t1",
        "t2",
        "t3",
        "t4",
    ]
    assert page3["next_cursor"] is None


def test_company_touch_and_bad_input_are_4xx(rep_api, company, person):
    ok = rep_api.post(
        "/api/v1/touches", {"company_id": company.pk, "kind": "meeting", "summary": "定例"}
    )
    assert ok.status_code == 201 and ok.json()["company_id"] == company.pk
    cases = [
        ({"kind": "visit", "summary": "x"}, "person_id"),
        ({"person_id": person.pk, "kind": "fax", "summary": "x"}, "kind"),
        ({"person_id": person.pk, "summary": ""}, "summary"),
        ({"person_id": person.pk, "summary": "x", "mood": "angry"}, "mood"),
        (
            {"person_id": person.pk, "summary": "x", "subject_type": "DROP TABLE", "subject_id": 1},
            "subject_type",
        ),
        (
            {"person_id": person.pk, "summary": "x", "occurred_at": "2999-01-01T00:00:00Z"},
            "occurred_at",
        ),
        ({"person_id": person.pk, "summary": "x", "colour": "red"}, "colour"),
        ({"person_id": person.pk, "summary": "x", "occurred_at": "yesterday"}, "occurred_at"),
    ]
    for payload, field in cases:
        response = rep_api.post("/api/v1/touches", payload)
        assert response.status_code == 422, (payload, response.content)
        assert field in response.json()["errors"], (payload, response.json())
    assert rep_api.post("/api/v1/touches", {"person_id": 999999, "summary": "x"}).status_code == 404
    assert rep_api.get("/api/v1/touches?cursor=!!!").status_code == 422
    assert rep_api.get("/api/v1/touches?limit=0").status_code == 422


def test_another_team_cannot_see_touches(api_client, rep_api, other_rep, person, log):
    touch = log()
    other = api_client(other_rep)
    assert other.get(f"/api/v1/touches/{touch.pk}").status_code == 404
    assert other.get(f"/api/v1/touches?person_id={person.pk}").json()["items"] == []
    assert other.patch(f"/api/v1/touches/{touch.pk}", {"summary": "x"}).status_code == 404
    assert other.delete(f"/api/v1/touches/{touch.pk}").status_code == 404
    assert rep_api.get(f"/api/v1/touches/{touch.pk}").status_code == 200


def test_anonymous_gets_401(client, log):
    touch = log()
    for path in (
        "/api/v1/touches",
        f"/api/v1/touches/{touch.pk}",
        "/api/v1/next-actions",
        "/api/v1/notifications",
        f"/api/v1/touches/{touch.pk}/attachments",
    ):
        assert client.get(path).status_code == 401, path
    assert client.post("/api/v1/touches", {}, content_type="application/json").status_code == 401


def test_teammate_and_manager_see_but_only_the_author_edits(
    api_client, teammate, manager, touch_author_api, log
):
    touch = log(summary="共有メモ")
    mate = api_client(teammate)
    assert mate.get(f"/api/v1/touches/{touch.pk}").json()["summary"] == "共有メモ"
    assert mate.patch(f"/api/v1/touches/{touch.pk}", {"summary": "改ざん"}).status_code == 404
    assert api_client(manager).get(f"/api/v1/touches/{touch.pk}").status_code == 200
    edited = touch_author_api.patch(
        f"/api/v1/touches/{touch.pk}", {"summary": "訂正済み", "kind": "call"}
    )
    assert edited.status_code == 200 and edited.json()["summary"] == "訂正済み"
    from daifuku.core.models import AuditEntry

    entry = AuditEntry.objects.filter(
        object_type="activities.touch", object_id=touch.pk, action="update"
    ).get()
    assert entry.subject_type == "customers.person"
    assert entry.changes == {"summary": ["…", "…"], "kind": ["visit", "call"]}


@pytest.fixture
def touch_author_api(rep_api):
    return rep_api


def test_private_notes_are_seen_by_the_author_only(
    api_client, rep_api, teammate, manager, person, log
):
    touch = log(summary="個人的な所感", is_private=True)
    assert rep_api.get(f"/api/v1/touches/{touch.pk}").status_code == 200
    assert api_client(teammate).get(f"/api/v1/touches/{touch.pk}").status_code == 404
    assert api_client(manager).get(f"/api/v1/touches/{touch.pk}").status_code == 404


def test_daily_counts_follow_create_edit_delete(rep_api, rep, log):
    when = timezone.make_aware(dt.datetime(2025, 4, 1, 23, 30))  # Tokyo time: still April 1st
    touch = log(occurred_at=when, kind="visit")
    assert list(TouchDailyCount.objects.values_list("day", "kind", "count")) == [
        (dt.date(2025, 4, 1), "visit", 1)
    ]
    rep_api.patch(f"/api/v1/touches/{touch.pk}", {"kind": "call"})
    assert sorted(TouchDailyCount.objects.values_list("kind", "count")) == [
        ("call", 1),
        ("visit", 0),
    ]
    assert rep_api.delete(f"/api/v1/touches/{touch.pk}").status_code == 204
    assert sorted(TouchDailyCount.objects.values_list("kind", "count")) == [
        ("call", 0),
        ("visit", 0),
    ]
    assert not Touch.objects.exists()


def test_touch_logged_event_after_commit(
    rep, person, log, make_deal, django_capture_on_commit_callbacks
):
    seen = []
    deal = make_deal(rep, person)

    def handler(**payload):
        seen.append(payload)

    events.subscribe("touch.logged", handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            touch = log(subject_type="sales.deal", subject_id=deal.pk)
    finally:
        events._after_commit["touch.logged"].remove(handler)
    assert seen == [
        {
            "touch_id": touch.pk,
            "person_id": person.pk,
            "company_id": None,
            "subject_type": "sales.deal",
            "subject_id": deal.pk,
            "occurred_at": touch.occurred_at,
            "rep_id": touch.rep_id,
            "kind": "visit",
        }
    ]


def test_subject_selectors_for_upper_layers(rep, person, log, make_deal):
    from daifuku.activities import selectors

    d7, d8 = make_deal(rep, person), make_deal(rep, person)
    old = log(
        subject_type="sales.deal",
        subject_id=d7.pk,
        occurred_at=timezone.now() - dt.timedelta(days=3),
    )
    new = log(subject_type="sales.deal", subject_id=d7.pk)
    log(
        subject_type="sales.deal",
        subject_id=d8.pk,
        occurred_at=timezone.now() - dt.timedelta(days=9),
    )
    assert [t.pk for t in selectors.touches_for_subject(rep, "sales.deal", d7.pk)] == [
        new.pk,
        old.pk,
    ]
    last = selectors.last_touch_at_by_subject("sales.deal", [d7.pk, d8.pk, d8.pk + 1])
    assert last[d7.pk] == new.occurred_at and set(last) == {d7.pk, d8.pk}


def test_list_endpoint_query_budget(rep_api, person, log, django_assert_max_num_queries):
    for i in range(20):
        log(summary=f"t{i}")
    with django_assert_max_num_queries(6):
        response = rep_api.get(f"/api/v1/touches?person_id={person.pk}&limit=50")
    assert len(response.json()["items"]) == 20
