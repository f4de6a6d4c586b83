"""Advocates: NPS answers and referrals per person, the configurable advocate rule, the
API, the person page's panel, permissions and 名寄せ."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from daifuku.analytics.models import NpsAnswer, Referral
from daifuku.analytics.selectors import advocacy as selectors
from daifuku.analytics.services import advocacy as services
from daifuku.core.errors import NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(rep):
    from daifuku.customers.services import create_person

    def make(family, given):
        return create_person(actor=rep, data={"family_name": family, "given_name": given})

    return {
        "hanako": make("山田", "花子"),
        "taro": make("佐藤", "太郎"),
        "jiro": make("鈴木", "次郎"),
        "saburo": make("高橋", "三郎"),
    }


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def test_record_nps_and_referral(rep, people):
    answer = services.record_nps(
        actor=rep, person=people["hanako"], score="9", answered_on=_ago(3), source="店頭アンケート"
    )
    assert (answer.score, answer.source) == (9, "店頭アンケート")
    referral = services.record_referral(
        actor=rep, referrer=people["hanako"], referred=people["taro"], referred_on=_ago(10)
    )
    assert referral.referred_on == _ago(10)
    found = selectors.person_referrals(rep, people["taro"])
    assert [r.referrer_id for r in found["received"]] == [people["hanako"].pk]


@pytest.mark.parametrize("score", [-1, 11, "x", None, True])
def test_nps_score_must_be_0_to_10(rep, people, score):
    with pytest.raises(ValidationFailed) as caught:
        services.record_nps(actor=rep, person=people["hanako"], score=score)
    assert "score" in caught.value.errors


def test_referral_checks(rep, people):
    with pytest.raises(ValidationFailed) as caught:
        services.record_referral(actor=rep, referrer=people["hanako"], referred=people["hanako"])
    assert "referred_id" in caught.value.errors
    services.record_referral(actor=rep, referrer=people["hanako"], referred=people["taro"])
    with pytest.raises(ValidationFailed):
        services.record_referral(actor=rep, referrer=people["hanako"], referred=people["taro"])
    with pytest.raises(ValidationFailed) as caught:
        services.record_referral(
            actor=rep, referrer=people["taro"], referred=people["jiro"], referred_on=_ago(-3)
        )
    assert "referred_on" in caught.value.errors


def test_other_teams_cannot_record(other_rep, people):
    with pytest.raises(NotFound):
        services.record_nps(actor=other_rep, person=people["hanako"], score=10)


def test_advocate_rule_either_or_both(rep, manager, people):
    services.record_nps(actor=rep, person=people["hanako"], score=10, answered_on=_ago(5))
    services.record_nps(actor=rep, person=people["taro"], score=9, answered_on=_ago(400))  # too old
    services.record_nps(actor=rep, person=people["jiro"], score=6, answered_on=_ago(5))
    services.record_referral(actor=rep, referrer=people["jiro"], referred=people["saburo"])
    # the latest answer counts: 太郎 said 9 long ago, 三郎 said 10 then 7
    services.record_nps(actor=rep, person=people["saburo"], score=10, answered_on=_ago(20))
    services.record_nps(actor=rep, person=people["saburo"], score=7, answered_on=_ago(2))

    either = {a.person_id for a in selectors.advocates(rep)}
    assert either == {people["hanako"].pk, people["jiro"].pk}
    services.set_advocate_rules(actor=manager, data={"require_both": True})
    assert selectors.advocates(rep) == []
    services.set_advocate_rules(
        actor=manager, data={"require_both": False, "min_nps": 7, "min_referrals": 0}
    )
    assert {a.person_id for a in selectors.advocates(rep)} == {
        people["hanako"].pk,
        people["saburo"].pk,
    }


def test_only_managers_set_the_rule(rep):
    with pytest.raises(PermissionDenied):
        services.set_advocate_rules(actor=rep, data={"min_nps": 8})


def test_rule_bounds(manager):
    with pytest.raises(ValidationFailed) as caught:
        services.set_advocate_rules(actor=manager, data={"min_nps": 11, "nps_within_days": 0})
    assert set(caught.value.errors) == {"min_nps", "nps_within_days"}


def test_api(rep, other_rep, people, api_client):
    api, outsider = api_client(rep), api_client(other_rep)
    hanako, taro = people["hanako"], people["taro"]
    made = api.post(f"/api/v1/people/{hanako.pk}/nps", {"score": 10, "source": "mail"})
    assert made.status_code == 201 and made.json()["category"] == "promoter"
    bad = api.post(f"/api/v1/people/{hanako.pk}/nps", {"score": 12})
    assert bad.status_code == 422 and "score" in bad.json()["errors"]
    assert api.get(f"/api/v1/people/{hanako.pk}/nps").json()["items"][0]["score"] == 10
    ref = api.post(f"/api/v1/people/{hanako.pk}/referrals", {"referred_id": taro.pk})
    assert ref.status_code == 201
    unknown = api.post(f"/api/v1/people/{hanako.pk}/referrals", {"referred_id": 999999})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_customer"
    got = api.get(f"/api/v1/people/{taro.pk}/referrals").json()
    assert [r["referrer_id"] for r in got["received"]] == [hanako.pk]
    advocates = api.get("/api/v1/advocates").json()
    assert advocates["rules"]["min_nps"] == 9
    assert [a["person_id"] for a in advocates["items"]] == [hanako.pk]
    # another team reads but does not record
    assert outsider.get(f"/api/v1/people/{hanako.pk}/nps").status_code == 200
    assert outsider.post(f"/api/v1/people/{hanako.pk}/nps", {"score": 1}).status_code == 404


def test_person_page_panel_and_pages(rep, manager, people):
    client = Client()
    client.force_login(rep)
    hanako = people["hanako"]
    posted = client.post(
        f"/analytics/people/{hanako.pk}/nps/", {"score": "9", "source": "電話", "answered_on": ""}
    )
    assert posted.status_code == 302
    made = client.post(
        f"/analytics/people/{hanako.pk}/referrals/", {"referred_id": people["taro"].pk}
    )
    assert made.status_code == 302, made.content.decode()[-3000:]
    assert Referral.objects.count() == 1, made["Location"]
    page = client.get(f"/customers/people/{hanako.pk}/").content.decode()
    assert "推奨度と紹介" in page
    assert "<strong>9</strong> · 電話" in page
    i = page.find("person-referrals")
    assert "佐藤 太郎" in page, page[i : i + 800]
    refused = client.post(f"/analytics/people/{hanako.pk}/nps/", {"score": "15"})
    assert refused.status_code == 422
    listing = client.get("/analytics/advocates/").content.decode()
    assert "山田 花子" in listing and "推奨者の条件" not in listing  # reps do not set the rule
    client.force_login(manager)
    saved = client.post(
        "/analytics/advocates/", {"min_nps": "8", "nps_within_days": "180", "min_referrals": "2"}
    )
    assert saved.status_code == 302
    assert selectors.rules().min_nps == 8


@pytest.mark.django_db(transaction=True)
def test_merge_moves_answers_and_referrals(admin, rep, people):
    from daifuku.customers.dedup.services.merge import merge_people, undo_merge

    hanako, taro, jiro = people["hanako"], people["taro"], people["jiro"]
    services.record_nps(actor=rep, person=taro, score=10)
    services.record_referral(actor=rep, referrer=taro, referred=jiro)
    services.record_referral(actor=rep, referrer=hanako, referred=taro)
    journal = merge_people(actor=admin, survivor=hanako, loser=taro)
    assert NpsAnswer.objects.get().person_id == hanako.pk
    assert set(Referral.objects.values_list("referrer_id", "referred_id")) == {
        (hanako.pk, jiro.pk),
        (hanako.pk, hanako.pk),  # kept as history, left out of every count
    }
    assert [r.referred_id for r in selectors.person_referrals(admin, hanako)["made"]] == [jiro.pk]
    undo_merge(actor=admin, journal=journal)
    assert NpsAnswer.objects.get().person_id == taro.pk
    assert set(Referral.objects.values_list("referrer_id", "referred_id")) == {
        (taro.pk, jiro.pk),
        (hanako.pk, taro.pk),
    }
