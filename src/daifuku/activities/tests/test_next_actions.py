"""Next actions: API contract, completion, "no next step", calendar feed, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from daifuku.activities import services
from daifuku.activities.jobs import send_reminder, send_reminder_mail
from daifuku.activities.models import NextAction, Notification

pytestmark = pytest.mark.django_db


def test_post_next_action_with_assignee_username(rep_api, person, teammate):
    response = rep_api.post(
        "/api/v1/next-actions",
        {
            "person_id": person.pk,
            "title": "見積書を持参",
            "due_at": "2030-05-01T10:00:00+09:00",
            "assignee": "teammate",
            "kind": "visit",
            "priority": "high",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["assignee"] == "teammate" and body["status"] == "open" and body["priority"] == "high"
    )
    assert body["due_at"].startswith("2030-05-01T01:00:00")
    listed = rep_api.get(f"/api/v1/next-actions?person_id={person.pk}").json()["items"]
    assert [a["id"] for a in listed] == [body["id"]]
    mine = rep_api.get("/api/v1/next-actions?assignee=me").json()["items"]
    assert mine == []


def test_next_action_bad_input(rep_api, person):
    cases = [
        (
            {
                "person_id": person.pk,
                "title": "x",
                "due_at": "2030-05-01T10:00:00+09:00",
                "assignee": "nobody",
            },
            "assignee",
        ),
        ({"person_id": person.pk, "title": "", "due_at": "2030-05-01T10:00:00+09:00"}, "title"),
        ({"person_id": person.pk, "title": "x"}, "due_at"),
        (
            {
                "person_id": person.pk,
                "title": "x",
                "due_at": "2030-05-01T10:00:00+09:00",
                "priority": "urgent",
            },
            "priority",
        ),
        ({"title": "x", "due_at": "2030-05-01T10:00:00+09:00"}, "person_id"),
    ]
    for payload, field in cases:
        response = rep_api.post("/api/v1/next-actions", payload)
        assert response.status_code == 422 and field in response.json()["errors"], (
            payload,
            response.json(),
        )


def test_complete_with_touch_and_closed_twice_is_409(rep_api, person, log):
    action = rep_api.post(
        "/api/v1/next-actions",
        {"person_id": person.pk, "title": "電話", "due_at": "2030-05-01T10:00:00+09:00"},
    ).json()
    touch = log(kind="call", summary="電話した")
    done = rep_api.post(f"/api/v1/next-actions/{action['id']}/complete", {"touch_id": touch.pk})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert done.json()["completed_touch_id"] == touch.pk
    again = rep_api.post(f"/api/v1/next-actions/{action['id']}/complete", {})
    assert again.status_code == 409 and again.json()["code"] == "action_closed"


def test_another_team_gets_404(api_client, rep_api, other_rep, person):
    action = rep_api.post(
        "/api/v1/next-actions",
        {"person_id": person.pk, "title": "電話", "due_at": "2030-05-01T10:00:00+09:00"},
    ).json()
    other = api_client(other_rep)
    for call in (
        lambda: other.get(f"/api/v1/next-actions/{action['id']}"),
        lambda: other.patch(f"/api/v1/next-actions/{action['id']}", {"title": "x"}),
        lambda: other.post(f"/api/v1/next-actions/{action['id']}/complete", {}),
        lambda: other.post(f"/api/v1/next-actions/{action['id']}/cancel"),
    ):
        assert call().status_code == 404
    assert other.get(f"/api/v1/next-actions?person_id={person.pk}").json()["items"] == []


def test_no_next_step_report(rep, person, osaka_person):
    from daifuku.activities import selectors

    assert [p.pk for p in selectors.no_next_step(rep, owner_id=rep.pk).items] == [person.pk]
    services.create_next_action(
        actor=rep, data={"title": "訪問", "due_at": timezone.now()}, person=person
    )
    assert selectors.no_next_step(rep, owner_id=rep.pk).items == []


def test_calendar_url_in_me_and_feed_parses(rep_api, rep, person, client):
    services.create_next_action(
        actor=rep,
        person=person,
        data={
            "title": "ご訪問",
            "kind": "visit",
            "duration_minutes": 90,
            "due_at": timezone.make_aware(dt.datetime(2030, 5, 1, 10, 0)),
            "notes": "駐車場あり",
        },
    )
    me = rep_api.get("/api/v1/me").json()
    assert me["calendar_url"] == f"http://testserver/activities/calendar/{rep.calendar_secret}.ics"
    response = client.get(me["calendar_url"])
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == "[訪問] ご訪問 — 山田 太郎 様"
    assert event.decoded("dtstart") == timezone.make_aware(dt.datetime(2030, 5, 1, 10, 0))
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=90)
    assert str(event["description"]) == "駐車場あり"
    assert client.get("/activities/calendar/not-the-secret-but-long-enough.ics").status_code == 404


def test_rotating_the_secret_revokes_the_old_feed(rep, client):
    old = rep.calendar_secret
    client.force_login(rep)
    client.post("/activities/calendar/rotate/")
    client.logout()
    assert client.get(f"/activities/calendar/{old}.ics").status_code == 404
    rep.refresh_from_db()
    assert client.get(f"/activities/calendar/{rep.calendar_secret}.ics").status_code == 200


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) collecting messages."""
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, received
    finally:
        controller.stop()


def test_reminder_fires_once_by_email_and_in_app(
    settings, smtp_server, rep, person, django_capture_on_commit_callbacks
):
    controller, received = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    rep.email = "rep@example.jp"
    rep.save(update_fields=["email"])
    due = timezone.now() + dt.timedelta(minutes=20)
    action = services.create_next_action(
        actor=rep,
        person=person,
        data={"title": "見積の回答", "due_at": due, "remind_minutes_before": 30},
    )
    later = services.create_next_action(
        actor=rep,
        person=person,
        data={"title": "来月の訪問", "due_at": timezone.now() + dt.timedelta(days=30)},
    )
    from daifuku.activities.jobs import run_reminders

    with django_capture_on_commit_callbacks(execute=True):
        assert run_reminders() == 1  # the notification, then the mail once it committed
    assert run_reminders() == 0  # the worker ticking again finds nothing
    assert send_reminder(action.pk) is False  # a duplicate task does nothing either
    assert send_reminder_mail(action.pk) is False  # nor a duplicate mail task
    assert len(received) == 1
    assert received[0].rcpt_tos == ["rep@example.jp"]
    assert "見積の回答".encode() in received[0].content or b"=?utf-8?" in received[0].content
    assert Notification.objects.filter(user=rep).count() == 1
    action.refresh_from_db()
    assert action.reminded_at is not None and action.reminder_mailed_at is not None
    assert action.reminder_mail_at is None and action.reminder_mail_attempts == 1
    assert NextAction.objects.get(pk=later.pk).reminded_at is None


def test_rescheduling_reminds_again(rep, person):
    action = services.create_next_action(
        actor=rep,
        person=person,
        data={"title": "電話", "due_at": timezone.now() + dt.timedelta(minutes=5)},
    )
    assert send_reminder(action.pk) is True
    services.update_next_action(
        actor=rep, action=action, data={"due_at": timezone.now() + dt.timedelta(minutes=10)}
    )
    assert send_reminder(action.pk) is True
    assert Notification.objects.filter(user=rep).count() == 2


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_no_mail_server_still_reminds_in_the_app_and_retries_the_mail(
    settings, smtp_server, rep, person, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )
    rep.email = "rep@example.jp"
    rep.save(update_fields=["email"])
    action = services.create_next_action(
        actor=rep,
        person=person,
        data={"title": "電話", "due_at": timezone.now() + dt.timedelta(minutes=5)},
    )
    from daifuku.activities.jobs import run_reminders

    with caplog.at_level("WARNING", logger="daifuku.activities.services.actions"):
        with django_capture_on_commit_callbacks(execute=True):
            assert run_reminders() == 1  # no exception: the mail's failure is not the reminder's
    assert Notification.objects.filter(user=rep, title__contains="電話").count() == 1
    action.refresh_from_db()
    assert action.reminded_at is not None and action.reminder_mailed_at is None
    assert action.reminder_mail_attempts == 1 and action.reminder_mail_at > timezone.now()
    assert any(
        "reminder mail for next action" in r.getMessage() and "retrying" in r.getMessage()
        for r in caplog.records
    )
    assert send_reminder_mail(action.pk) is False  # not before its retry time

    controller, received = smtp_server  # the mail server is back
    settings.EMAIL_PORT = controller.port
    NextAction.objects.filter(pk=action.pk).update(
        reminder_mail_at=timezone.now()
    )  # its retry time has come
    assert run_reminders() == 0  # no new reminder; the schedule queues the mail again
    action.refresh_from_db()
    assert len(received) == 1 and received[0].rcpt_tos == ["rep@example.jp"]
    assert action.reminder_mailed_at is not None and action.reminder_mail_attempts == 2
    assert Notification.objects.filter(user=rep).count() == 1


def test_a_mail_that_keeps_failing_is_given_up_and_logged(settings, rep, person, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )
    rep.email = "rep@example.jp"
    rep.save(update_fields=["email"])
    action = services.create_next_action(
        actor=rep,
        person=person,
        data={"title": "電話", "due_at": timezone.now() + dt.timedelta(minutes=5)},
    )
    assert send_reminder(action.pk) is True
    when = timezone.now()
    for _attempt in range(4):  # now, then after 1, 5 and 15 minutes
        assert send_reminder_mail(action.pk, now=when) is False
        when += dt.timedelta(hours=2)
    action.refresh_from_db()
    assert action.reminder_mail_at is None and action.reminder_mail_attempts == 4
    assert any(r.levelname == "ERROR" and "given up" in r.getMessage() for r in caplog.records)
    assert send_reminder_mail(action.pk, now=when) is False
