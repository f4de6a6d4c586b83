"""A touch or next action hangs only on a registered kind of record that the actor may
see and that belongs to the same customer (through the API and the services)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from daifuku.activities import services
from daifuku.activities.models import NextAction, Touch
from daifuku.core.errors import DomainError

DUE = "2026-12-24T10:00:00+09:00"


@pytest.fixture
def osaka_deal(make_deal, other_rep, osaka_person):
    return make_deal(other_rep, osaka_person)


def test_a_rep_cannot_log_a_touch_on_another_teams_deal(
    api_client, other_rep, osaka_person, osaka_deal, rep, person, make_deal
):
    from django.apps import apps

    deal_model = apps.get_model("sales", "Deal")  # above activities: by name
    api = api_client(rep)
    # the customer is shared, the deal is Osaka's: as if it did not exist
    response = api.post(
        "/api/v1/touches",
        {
            "person_id": osaka_person.pk,
            "summary": "横取り",
            "kind": "visit",
            "subject_type": "sales.deal",
            "subject_id": osaka_deal.pk,
        },
    )
    assert response.status_code == 404 and response.json()["code"] == "subject_not_found"
    assert "subject_id" in response.json()["errors"]
    missing = api.post(
        "/api/v1/touches",
        {
            "person_id": person.pk,
            "summary": "x",
            "subject_type": "sales.deal",
            "subject_id": osaka_deal.pk + 1000,
        },
    )
    assert missing.status_code == 404 and missing.json()["code"] == "subject_not_found"
    assert not Touch.objects.exists()
    assert deal_model.objects.get(pk=osaka_deal.pk).last_touch_at is None
    mine = make_deal(rep, person)
    ok = api.post(
        "/api/v1/touches",
        {
            "person_id": person.pk,
            "summary": "ご提案",
            "subject_type": "sales.deal",
            "subject_id": mine.pk,
        },
    )
    assert ok.status_code == 201 and ok.json()["subject_id"] == mine.pk


@pytest.mark.parametrize(
    "subject_type", ["customers.person", "accounts.user", "core.auditentry", "sales.nothing"]
)
def test_only_registered_kinds_of_subject_are_accepted(api_client, rep, person, subject_type):
    response = api_client(rep).post(
        "/api/v1/touches",
        {
            "person_id": person.pk,
            "summary": "x",
            "subject_type": subject_type,
            "subject_id": person.pk,
        },
    )
    assert response.status_code == 422 and response.json()["code"] == "subject_type_unknown"
    assert "subject_type" in response.json()["errors"] and not Touch.objects.exists()


def test_a_deal_of_another_customer_is_refused(api_client, rep, person, make_deal):
    from daifuku.customers.services import create_person

    other = create_person(actor=rep, data={"family_name": "別人", "given_name": "次郎"})
    deal = make_deal(rep, other)
    response = api_client(rep).post(
        "/api/v1/next-actions",
        {
            "person_id": person.pk,
            "title": "見積",
            "due_at": DUE,
            "subject_type": "sales.deal",
            "subject_id": deal.pk,
        },
    )
    assert response.status_code == 422 and response.json()["code"] == "subject_customer_mismatch"
    assert not NextAction.objects.exists()


def test_next_actions_and_edits_check_the_subject_too(rep, person, osaka_deal, log, make_deal):
    with pytest.raises(DomainError) as refused:
        services.create_next_action(
            actor=rep,
            person=person,
            data={
                "title": "x",
                "due_at": timezone.now(),
                "subject_type": "sales.deal",
                "subject_id": osaka_deal.pk,
            },
        )
    assert refused.value.code == "subject_not_found" and refused.value.status == 404
    touch = log()
    with pytest.raises(DomainError) as moved:
        services.update_touch(
            actor=rep, touch=touch, data={"subject_type": "sales.deal", "subject_id": osaka_deal.pk}
        )
    assert moved.value.code == "subject_not_found"
    touch.refresh_from_db()
    assert touch.subject_type == "" and touch.subject_id is None
    action = services.create_next_action(
        actor=rep, person=person, data={"title": "x", "due_at": timezone.now()}
    )
    patched = services.update_next_action(
        actor=rep,
        action=action,
        data={"subject_type": "sales.deal", "subject_id": make_deal(rep, person).pk},
    )
    assert patched.subject_type == "sales.deal"
    with pytest.raises(DomainError) as bad:
        services.update_next_action(
            actor=rep,
            action=action,
            data={"subject_type": "sales.deal", "subject_id": osaka_deal.pk},
        )
    assert bad.value.code == "subject_not_found"


def test_a_manager_may_log_on_any_teams_deal(api_client, manager, osaka_person, osaka_deal):
    response = api_client(manager).post(
        "/api/v1/touches",
        {
            "person_id": osaka_person.pk,
            "summary": "同行",
            "subject_type": "sales.deal",
            "subject_id": osaka_deal.pk,
        },
    )
    assert response.status_code == 201


def test_the_touch_page_names_its_deal(client, rep, person, make_deal, log):
    deal = make_deal(rep, person, title="基幹システム更改")
    touch = log(subject_type="sales.deal", subject_id=deal.pk)
    client.force_login(rep)
    html = client.get(f"/activities/touches/{touch.pk}/").content.decode()
    assert (
        f'<a href="/sales/deals/{deal.pk}/">基幹システム更改</a>' in html
        and "sales.deal" not in html
    )
