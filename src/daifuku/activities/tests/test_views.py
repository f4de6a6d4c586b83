"""The web UI: my day, quick entry, the customer page panel and timeline, permissions and
query budgets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from daifuku.activities import services
from daifuku.activities.models import NextAction, Touch, TouchAttachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_quick_entry_logs_touch_photo_and_next_action(rep_client, rep, person, png):
    page = rep_client.get(f"/activities/log/?person={person.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    due = timezone.now() + dt.timedelta(days=2)
    response = rep_client.post(
        "/activities/log/",
        {
            "person": person.pk,
            "kind": "visit",
            "occurred_at": local(timezone.now()),
            "summary": "店舗訪問",
            "body": "新商品の**試食**",
            "next_title": "見積を送る",
            "next_due_at": local(due),
            "next_priority": "high",
            "files": [SimpleUploadedFile("shop.png", png, "image/png")],
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/customers/people/{person.pk}/"
    touch = Touch.objects.get()
    assert (touch.summary, touch.rep, touch.person) == ("店舗訪問", rep, person)
    assert TouchAttachment.objects.get().touch == touch
    action = NextAction.objects.get()
    assert (action.title, action.assignee, action.priority) == ("見積を送る", rep, "high")


def test_quick_entry_keeps_everything_when_a_file_is_refused(rep_client, person):
    response = rep_client.post(
        "/activities/log/",
        {
            "person": person.pk,
            "kind": "call",
            "occurred_at": local(timezone.now()),
            "summary": "電話",
            "next_title": "再訪",
            "next_due_at": local(timezone.now() + dt.timedelta(days=1)),
            "next_priority": "normal",
            "files": [
                SimpleUploadedFile("evil.html", b"<html><script>alert(1)</script>", "text/html")
            ],
        },
    )
    assert response.status_code == 422
    assert "電話" in response.content.decode()  # what the rep typed is still there
    assert not Touch.objects.exists() and not NextAction.objects.exists()


def test_quick_entry_requires_due_with_next_action(rep_client, person):
    response = rep_client.post(
        "/activities/log/",
        {
            "person": person.pk,
            "kind": "call",
            "occurred_at": local(timezone.now()),
            "summary": "電話",
            "next_title": "再訪",
            "next_priority": "normal",
        },
    )
    assert response.status_code == 422 and not Touch.objects.exists()


def test_completing_an_action_offers_to_log_the_touch(rep_client, rep, person):
    action = services.create_next_action(
        actor=rep,
        person=person,
        data={"title": "見積説明", "kind": "visit", "due_at": timezone.now()},
    )
    page = rep_client.get(f"/activities/log/?action={action.pk}")
    assert page.status_code == 200 and "見積説明" in page.content.decode()
    rep_client.post(
        "/activities/log/",
        {
            "action": action.pk,
            "kind": "visit",
            "occurred_at": local(timezone.now()),
            "summary": "見積説明",
            "next_priority": "normal",
        },
    )
    action.refresh_from_db()
    assert action.status == "done" and action.completed_touch == Touch.objects.get()


def test_person_page_shows_panel_and_timeline(
    rep_client, rep, person, log, django_assert_max_num_queries
):
    for i in range(40):
        log(
            summary=f"訪問メモ{i}",
            body="# 見出し\n<img src=x onerror=alert(1)>",
            occurred_at=timezone.now() - dt.timedelta(hours=i),
        )
    services.create_next_action(
        actor=rep, person=person, data={"title": "次回提案", "due_at": timezone.now()}
    )
    with django_assert_max_num_queries(40):
        response = rep_client.get(f"/customers/people/{person.pk}/")
    html = response.content.decode()
    assert "次回提案" in html and "訪問メモ0" in html and 'id="quick-entry"' in html
    assert "<img src=x" not in html and "&lt;img src=x" in html and "<h1>見出し</h1>" in html


def test_timeline_source_pages_with_before(rep, person, log):
    from daifuku.core import timeline

    now = timezone.now()
    touches = [log(summary=f"t{i}", occurred_at=now - dt.timedelta(minutes=i)) for i in range(5)]
    items = timeline.collect(person, user=rep, limit=3, kinds={"touches"})
    assert [i.title for i in items] == ["t0", "t1", "t2"]
    older = timeline.collect(person, user=rep, before=items[-1].at, limit=3, kinds={"touches"})
    assert [i.title for i in older] == ["t3", "t4"]
    assert items[0].data["touch"] == touches[0]


def test_my_day_sections_and_manager_view(client, rep, manager, other_rep, person):
    now = timezone.localtime()
    for title, due in (
        ("期限切れ", now - dt.timedelta(days=2)),
        ("今日の電話", now.replace(hour=23, minute=0)),
        ("来月", now + dt.timedelta(days=40)),
    ):
        services.create_next_action(actor=rep, person=person, data={"title": title, "due_at": due})
    client.force_login(rep)
    html = client.get("/activities/").content.decode()
    assert "期限切れ" in html and "今日の電話" in html and "来月" not in html
    client.force_login(manager)
    html = client.get(f"/activities/?rep={rep.pk}").content.decode()
    assert "期限切れ" in html
    client.force_login(other_rep)
    assert client.get(f"/activities/?rep={rep.pk}").status_code == 404


def test_pages_render_within_budgets(
    client, rep, manager, person, log, django_assert_max_num_queries
):
    log()
    services.set_activity_goal(actor=manager, team=manager.team, period="week", target=10)
    client.force_login(manager)
    for url, budget in (
        ("/activities/", 12),
        ("/activities/team/", 14),
        ("/activities/team/?period=month", 14),
        ("/activities/no-next-step/?owner=all", 10),
        ("/activities/handover/", 10),
        ("/activities/reports/", 8),
        ("/activities/goals/", 10),
        ("/activities/notifications/", 8),
        (f"/activities/touches/?rep={rep.pk}", 10),
        ("/", 18),
    ):  # the manager home draws the default pipeline's funnel (pipeline, stages)
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url


def test_anonymous_is_redirected(client):
    for url in (
        "/activities/",
        "/activities/log/",
        "/activities/team/",
        "/activities/handover/",
        "/activities/reports/",
        "/activities/goals/",
        "/activities/no-next-step/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url


def test_other_team_gets_404_on_touch_pages(client, other_rep, log):
    touch = log()
    client.force_login(other_rep)
    for url in (f"/activities/touches/{touch.pk}/", f"/activities/touches/{touch.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/activities/touches/{touch.pk}/delete/").status_code == 404
    assert Touch.objects.filter(pk=touch.pk).exists()


def test_author_edits_touch_in_the_ui(rep_client, log):
    touch = log()
    response = rep_client.post(
        f"/activities/touches/{touch.pk}/edit/",
        {"kind": "call", "occurred_at": local(touch.occurred_at), "summary": "訂正", "mood": "hot"},
    )
    assert response.status_code == 302
    touch.refresh_from_db()
    assert (touch.kind, touch.summary, touch.mood) == ("call", "訂正", "hot")


def test_next_parameter_cannot_leave_the_site(rep_client, person):
    response = rep_client.post(
        "/activities/log/",
        {
            "person": person.pk,
            "kind": "call",
            "occurred_at": local(timezone.now()),
            "summary": "電話",
            "next_priority": "normal",
            "next": "https://evil.example/phish",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/customers/people/{person.pk}/"
