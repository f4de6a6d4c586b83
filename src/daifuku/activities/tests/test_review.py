"""Manager review: goals and the team dashboard, daily reports, handover, merge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daifuku.activities import dashboard, services
from daifuku.activities.models import DailyReport, NextAction, Notification, OwnershipPeriod
from daifuku.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_dashboard_counts_goal_trend_and_idle(rep, teammate, manager, person, log):
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    at = timezone.make_aware(dt.datetime.combine(monday, dt.time(10)))
    log(occurred_at=at)
    log(occurred_at=at, kind="call")
    log(occurred_at=at - dt.timedelta(days=7))  # last week
    services.set_activity_goal(actor=manager, team=manager.team, period="week", target=4)
    services.set_activity_goal(actor=manager, rep=rep, period="week", kind="visit", target=2)
    data = dashboard.team_dashboard([rep, teammate], period="week", day=today, idle_days=1)
    rows = {row.rep: row for row in data["rows"]}
    mine = rows[rep]
    assert mine.total == 2 and mine.counts == {"visit": 1, "call": 1}
    assert (mine.goal, mine.goal_kind, mine.goal_count, mine.percent) == (2, "visit", 1, 50)
    assert mine.previous_total == 1 and mine.trend == 1
    assert mine.customers_touched == 1
    assert sum(mine.daily) == 2 and len(mine.daily) == 7
    assert rows[teammate].goal == 4 and rows[teammate].total == 0
    assert mine.idle_customers == (0 if at >= timezone.now() - dt.timedelta(days=1) else 1)


def test_goals_are_for_the_managers_own_team(manager, other_rep, rep):
    with pytest.raises(DomainError):
        services.set_activity_goal(actor=manager, rep=other_rep, period="week", target=3)
    with pytest.raises(DomainError):
        services.set_activity_goal(actor=rep, rep=rep, period="week", target=3)
    assert services.set_activity_goal(actor=manager, rep=rep, period="day", target=3).target == 3
    assert services.set_activity_goal(actor=manager, rep=rep, period="day", target=0) is None


def test_daily_report_submit_comment_approve(client, rep, manager, other_rep, log):
    log()
    client.force_login(rep)
    response = client.post(
        "/activities/reports/day/",
        {"day": timezone.localdate().isoformat(), "reflection": "明日は再訪"},
    )
    report = DailyReport.objects.get()
    assert response.status_code == 302 and report.status == "submitted"
    assert Notification.objects.filter(user=manager).count() == 1
    client.force_login(manager)
    page = client.get(f"/activities/reports/{report.pk}/")
    assert page.status_code == 200 and "見積の相談" in page.content.decode()
    client.post(f"/activities/reports/{report.pk}/", {"body": "良い訪問でした"})
    assert Notification.objects.filter(user=rep, title__contains=str(report.day)).exists()
    client.post(f"/activities/reports/{report.pk}/approve/")
    report.refresh_from_db()
    assert report.status == "approved" and report.approved_by == manager
    client.force_login(other_rep)
    assert client.get(f"/activities/reports/{report.pk}/").status_code == 404
    assert client.post(f"/activities/reports/{report.pk}/approve/").status_code == 404


def test_rep_cannot_approve_own_report(rep):
    report = services.submit_daily_report(actor=rep, day=timezone.localdate())
    with pytest.raises(DomainError):
        services.approve_daily_report(actor=rep, report=report)


def test_handover_many_records_history_and_moves_open_actions(
    client, rep, teammate, person, company
):
    from daifuku.customers.services import create_person

    second = create_person(actor=rep, data={"family_name": "佐藤"})
    action = services.create_next_action(
        actor=rep, person=person, data={"title": "訪問", "due_at": timezone.now()}
    )
    client.force_login(rep)
    response = client.post(
        "/activities/handover/",
        {"customer": [person.pk, second.pk], "to_user": teammate.pk, "note": "異動のため引き継ぎ"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.owner == teammate
    periods = list(OwnershipPeriod.objects.filter(person=person).order_by("started_at"))
    assert [(p.owner, p.ended_at is None) for p in periods] == [(rep, False), (teammate, True)]
    assert periods[1].note == "異動のため引き継ぎ"
    assert NextAction.objects.get(pk=action.pk).assignee == teammate
    assert Notification.objects.filter(user=teammate).count() == 1
    html = client.get(f"/customers/people/{person.pk}/").content.decode()
    assert "異動のため引き継ぎ" in html
    # one customer from its own page
    client.post(f"/activities/handover/company/{company.pk}/", {"to_user": teammate.pk, "note": ""})
    company.refresh_from_db()
    assert company.owner == teammate


def test_handover_of_another_teams_customer_is_404(client, rep, teammate, osaka_person):
    client.force_login(rep)
    response = client.post(
        "/activities/handover/", {"customer": [osaka_person.pk], "to_user": teammate.pk}
    )
    assert response.status_code == 404
    osaka_person.refresh_from_db()
    assert osaka_person.owner != teammate


def test_merge_moves_touches_and_undo_puts_them_back(rep, person, log):
    merge = pytest.importorskip("daifuku.customers.dedup.services.merge")
    from daifuku.customers.services import create_person

    loser = create_person(actor=rep, data={"family_name": "山田", "given_name": "太郎"})
    touch = log(person=loser)
    action = services.create_next_action(
        actor=rep, person=loser, data={"title": "訪問", "due_at": timezone.now()}
    )
    journal = merge.merge_people(actor=rep, survivor=person, loser=loser)
    touch.refresh_from_db()
    assert (
        touch.person_id == person.pk and NextAction.objects.get(pk=action.pk).person_id == person.pk
    )
    merge.undo_merge(actor=rep, journal=journal)
    touch.refresh_from_db()
    assert touch.person_id == loser.pk
