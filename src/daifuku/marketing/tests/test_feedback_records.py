"""Bounces and complaints recorded against their delivery: hard → bounced + suppressed,
soft → counted (suppressed at the third in 30 days), complaint → suppressed + e-mail
consent opted out with evidence; each report once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daifuku.customers.models import Consent
from daifuku.customers.services import create_person, record_consent
from daifuku.marketing.feedback import intake
from daifuku.marketing.models import DeliveryStatus, MailEvent, Suppression
from daifuku.marketing.services import feedback as services
from daifuku.marketing.services.suppression import is_suppressed

from . import feedback_rows as rows
from .feedback_servers import sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(admin):
    found = create_person(
        actor=admin,
        data={"family_name": "佐藤", "given_name": "香織", "email": "kaori@yahoo.co.jp"},
    )
    record_consent(
        actor=admin,
        person=found,
        channel="email",
        status="opted_in",
        method="form",
        evidence="会員登録フォーム 2026-04-01",
    )
    return found


@pytest.fixture
def sent(person):
    return rows.sample_deliveries(rows.campaign(), person=person)


def test_a_hard_bounce_marks_the_delivery_and_suppresses_the_address(sent):
    outcome = intake.process(sample("dsn_postfix_hard.eml"))
    assert (outcome.outcome, outcome.suppressed) == ("bounced", True)
    row = sent["dsn_postfix_hard.eml"]
    row.refresh_from_db()
    assert row.status == DeliveryStatus.BOUNCED
    assert row.response.startswith("5.1.1 smtp; 550 5.1.1")
    event = MailEvent.objects.get(delivery=row)
    assert (event.kind, event.campaign_id, event.detail["status"]) == (
        "bounce",
        row.campaign_id,
        "5.1.1",
    )
    suppression = Suppression.objects.get(email="nosuchuser@example.ne.jp")
    assert (suppression.reason, suppression.delivery_id) == ("bounce", row.pk)


@pytest.mark.parametrize(
    "name",
    ["dsn_gmail_hard.eml", "dsn_exchange_online.eml", "qmail_failure.eml", "text_japanese_isp.eml"],
)
def test_every_kind_of_hard_bounce_finds_its_delivery(sent, name):
    outcome = intake.process(sample(name))
    assert outcome.outcome == "bounced"
    assert outcome.delivery_id == sent[name].pk
    assert is_suppressed(rows.ADDRESSES[name])


def test_the_same_report_twice_is_recorded_once(sent):
    first = intake.process(sample("dsn_postfix_hard.eml"))
    second = intake.process(sample("dsn_postfix_hard.eml"))
    assert (first.outcome, second.outcome) == ("bounced", "duplicate")
    assert MailEvent.objects.filter(kind="bounce").count() == 1


def test_a_soft_bounce_is_counted_and_suppresses_at_the_third_in_30_days(sent):
    row = sent["dsn_delayed_soft.eml"]
    outcome = intake.process(sample("dsn_delayed_soft.eml"))
    assert (outcome.outcome, outcome.suppressed) == ("soft_bounce", False)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT  # a temporary failure changes nothing else
    assert not is_suppressed(row.email)
    # the same warning again (same report id) is not a second soft bounce
    assert intake.process(sample("dsn_delayed_soft.eml")).outcome == "duplicate"
    second = services.record_bounce(
        delivery_id=row.pk, hard=False, source_id="<w2@relay>", status="4.2.2"
    )
    assert second.suppressed is False
    third = services.record_bounce(
        delivery_id=row.pk, hard=False, source_id="<w3@relay>", status="4.2.2"
    )
    assert (third.outcome, third.suppressed) == ("soft_bounce", True)
    suppression = Suppression.objects.get(email=row.email)
    assert suppression.reason == "bounce" and "30" in suppression.note


def test_soft_bounces_older_than_30_days_do_not_count(sent):
    row = sent["dsn_delayed_soft.eml"]
    old = timezone.now() - dt.timedelta(days=31)
    for n in range(2):
        services.record_bounce(delivery_id=row.pk, hard=False, source_id=f"<old{n}>", at=old)
    result = services.record_bounce(delivery_id=row.pk, hard=False, source_id="<new>")
    assert result.suppressed is False and not is_suppressed(row.email)


def test_a_complaint_suppresses_and_opts_the_person_out_with_evidence(sent, person):
    outcome = intake.process(sample("arf_abuse.eml"))
    assert (outcome.outcome, outcome.suppressed) == ("complaint", True)
    row = sent["arf_abuse.eml"]
    assert MailEvent.objects.get(delivery=row).kind == "complaint"
    assert Suppression.objects.get(email="kaori@yahoo.co.jp").reason == "complaint"
    consent = Consent.objects.get(person=person, channel="email")
    assert consent.status == "opted_out"
    assert (
        "YahooJapanFBL/1.0" in consent.evidence
        and "<arf-20261210094125.9f3c@arf.mail.yahoo.co.jp>" in consent.evidence
    )
    # a second copy of the complaint changes nothing
    assert intake.process(sample("arf_abuse.eml")).outcome == "duplicate"
    assert MailEvent.objects.filter(kind="complaint").count() == 1


def test_a_report_about_mail_we_did_not_send_is_unmatched(db):
    assert intake.process(sample("dsn_postfix_hard.eml")).outcome == "unmatched"
    assert not Suppression.objects.exists()


def test_an_out_of_office_reply_is_ignored(sent):
    assert intake.process(sample("autoreply.eml")).outcome == "ignored"
    assert not MailEvent.objects.exists()
