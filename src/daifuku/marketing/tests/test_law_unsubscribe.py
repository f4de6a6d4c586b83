"""Unsubscribe links: the one-click POST refuses at once (consent opted out with its
evidence, an unsubscribe event), a GET changes nothing, the preference page keeps or
refuses topics, and the delivery engine's gate leaves out who refused meanwhile."""

from __future__ import annotations

import pytest
from django.test import Client

from daifuku.marketing import unsubscribe
from daifuku.marketing.tests import law_world
from daifuku.marketing.tests.law_world import make_delivery

pytestmark = pytest.mark.django_db
mailing = law_world.mailing  # the fixture the mail-law tests share


def _path(delivery) -> str:
    return unsubscribe.url_for(delivery.token).removeprefix(unsubscribe.base_url())


def _consent(person):
    from daifuku.customers.models import Consent

    return Consent.objects.get(person=person, channel="email")


def _events(delivery):
    from daifuku.marketing.models import MailEvent

    return list(MailEvent.objects.filter(delivery=delivery).values_list("kind", flat=True))


def test_one_click_post_refuses_at_once_with_evidence(mailing):
    delivery = mailing["to_hanako"]
    client = Client(enforce_csrf_checks=True)  # a mail program has no cookie or form token
    response = client.post(_path(delivery), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    consent = _consent(mailing["hanako"])
    assert consent.status == "opted_out"
    assert consent.evidence == "ワンクリック配信停止 (RFC 8058) 冬の新商品"
    assert _events(delivery) == ["unsubscribe"]
    # a mail program may POST twice: nothing more is recorded, the first evidence stays
    assert client.post(_path(delivery), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert _events(delivery) == ["unsubscribe"]
    assert _consent(mailing["hanako"]).evidence == "ワンクリック配信停止 (RFC 8058) 冬の新商品"


def test_the_audit_trail_keeps_the_opt_in_the_refusal_replaced(mailing):
    from daifuku.core.models import AuditEntry

    Client().post(_path(mailing["to_hanako"]), {"List-Unsubscribe": "One-Click"})
    entry = AuditEntry.objects.filter(action="consent").order_by("-id").first()
    assert entry.changes["evidence"] == [
        "会員登録フォーム 2026-04-01",
        "ワンクリック配信停止 (RFC 8058) 冬の新商品",
    ]
    assert entry.actor_label == "recipient (unsubscribe link)"


def test_get_shows_a_confirmation_and_changes_nothing(mailing):
    delivery = mailing["to_hanako"]
    response = Client().get(_path(delivery))
    assert response.status_code == 200
    body = response.content.decode()
    assert "配信停止" in body and 'method="post"' in body and "hanako@example.jp" in body
    assert _consent(mailing["hanako"]).status == "opted_in"
    assert _events(delivery) == []
    # the page's own button posts the same address without the RFC 8058 body
    response = Client(enforce_csrf_checks=True).post(_path(delivery))
    assert response.status_code == 200 and "配信を停止しました" in response.content.decode()
    assert _consent(mailing["hanako"]).evidence == "配信停止ページで停止 冬の新商品"


@pytest.mark.parametrize("tamper", ["xyz", "{token}:AAAA", "{token}"])
def test_a_forged_or_cut_token_is_404_and_changes_nothing(mailing, tamper):
    delivery = mailing["to_hanako"]
    path = "/m/u/" + tamper.format(token=delivery.token)
    assert Client().post(path, {"List-Unsubscribe": "One-Click"}).status_code == 404
    assert Client().get(path).status_code == 404
    assert _consent(mailing["hanako"]).status == "opted_in"


def test_an_address_without_a_person_is_suppressed(mailing):
    from daifuku.marketing.services.suppression import is_suppressed

    delivery = mailing["to_address"]
    assert Client().post(_path(delivery), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert is_suppressed("GUEST@example.com")
    assert _events(delivery) == ["unsubscribe"]


def test_preference_page_keeps_and_refuses_topics(mailing):
    from daifuku.marketing.models import TopicPreference

    delivery, topic, seminar = mailing["to_hanako"], mailing["topic"], mailing["seminar"]
    client = Client()
    page = client.get(_path(delivery) + "/topics")
    assert page.status_code == 200
    assert "新商品のお知らせ" in page.content.decode() and "セミナー案内" in page.content.decode()
    client.post(_path(delivery) + "/topics", {"action": "save", "topic": [str(seminar.pk)]})
    rows = dict(TopicPreference.objects.values_list("topic__key", "subscribed"))
    assert rows == {"new-products": False}  # the kept topic needs no row
    assert _consent(mailing["hanako"]).status == "opted_in"  # one topic, not everything
    client.post(_path(delivery) + "/topics", {"action": "save", "topic": [str(topic.pk)]})
    rows = dict(TopicPreference.objects.values_list("topic__key", "subscribed"))
    assert rows == {"new-products": True, "seminars": False}


def test_preference_page_refuses_everything_and_receives_again(mailing):
    delivery = mailing["to_hanako"]
    client = Client()
    response = client.post(_path(delivery) + "/topics", {"action": "refuse_all"})
    assert response.status_code == 200
    assert _consent(mailing["hanako"]).status == "opted_out"
    assert "受信を再開" in client.get(_path(delivery) + "/topics").content.decode()
    client.post(_path(delivery) + "/topics", {"action": "receive_again"})
    consent = _consent(mailing["hanako"])
    assert consent.status == "opted_in"
    assert consent.evidence == "配信設定ページで受信を再開 冬の新商品"


def test_preference_page_needs_its_csrf_token(mailing):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_path(mailing["to_hanako"]) + "/topics", {"action": "refuse_all"})
    assert response.status_code == 403
    assert _consent(mailing["hanako"]).status == "opted_in"


def test_gate_leaves_out_who_refused_while_the_send_runs(mailing, admin):
    from daifuku.customers.services import create_person
    from daifuku.marketing.models import TopicPreference
    from daifuku.marketing.services import suppression
    from daifuku.marketing.services.consent_gate import still_allowed

    campaign = mailing["campaign"]
    no_consent = create_person(actor=admin, data={"family_name": "鈴木", "given_name": "一郎"})
    to_ichiro = make_delivery(campaign, "ichiro@example.jp", no_consent)
    to_hanako, to_address = mailing["to_hanako"], mailing["to_address"]
    ids = [to_hanako.pk, to_address.pk, to_ichiro.pk]
    # advertising: only the opted-in person; an address alone has no consent on record
    assert still_allowed(ids) == {to_hanako.pk}
    TopicPreference.objects.create(
        person=mailing["hanako"], topic=mailing["topic"], subscribed=False
    )
    assert still_allowed(ids) == set()
    TopicPreference.objects.all().delete()
    Client().post(_path(to_hanako), {"List-Unsubscribe": "One-Click"})
    assert still_allowed(ids) == set()
    # a non-advertising mail (an order notice) needs no consent, only an unsuppressed address
    campaign.is_advertising = False
    campaign.save()
    assert still_allowed(ids) == set(ids)
    suppression.suppress("ichiro@example.jp", "bounce")
    assert still_allowed(ids) == {to_hanako.pk, to_address.pk}


def test_mailto_subject_names_the_delivery(mailing):
    delivery = mailing["to_hanako"]
    address = unsubscribe.mailto_for(delivery.token, "stop@daifuku.example")
    subject = address.split("subject=")[1]
    assert unsubscribe.token_from_subject("Re: " + subject) == delivery.token
    assert unsubscribe.token_from_subject("unsubscribe-" + delivery.token + ":forged") is None


def test_a_refusal_mail_refuses_for_the_delivery_its_subject_names(mailing):
    from daifuku.marketing.services.unsubscribe import refuse_by_subject

    delivery = mailing["to_hanako"]
    subject = "unsubscribe-" + unsubscribe.sign(delivery.token)
    assert refuse_by_subject("Re: fwd") is None
    refusal = refuse_by_subject(subject)
    assert refusal is not None and refusal.delivery == delivery
    consent = _consent(mailing["hanako"])
    assert (consent.status, consent.method) == ("opted_out", "email")
    assert consent.evidence == "配信停止メール受信 冬の新商品"


def test_query_budgets_of_the_public_pages(mailing, django_assert_max_num_queries):
    path = _path(mailing["to_hanako"])
    with django_assert_max_num_queries(12):
        assert Client().get(path).status_code == 200
    with django_assert_max_num_queries(12):
        assert Client().get(path + "/topics").status_code == 200
    with django_assert_max_num_queries(20):
        assert Client().post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
