"""Who a campaign goes to: each reason to leave someone out is counted, consent needs its
evidence, an address shared by two people gets one mail, a static list works like a
segment, and the delivery engine's job is enqueued once the rows exist."""
# ruff: noqa: F811  (the imported fixtures are requested by name)

from __future__ import annotations

import pytest

from daifuku.marketing.mailing import hooks

from .campaign_world import delivery_job, mail_world, marketer  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

BODY = {"subject": "{{ display_name }}へ秋の新作", "text": "本文", "html": "<p>本文</p>"}


def _campaign(actor, segment, **extra):
    from daifuku.marketing.services.campaigns import create_campaign

    data = {"name": "秋の新作", "segment_id": segment.pk, **BODY, **extra}
    return create_campaign(actor=actor, data=data)


def _addresses(campaign):
    from daifuku.marketing.models import Delivery

    return sorted(Delivery.objects.filter(campaign=campaign).values_list("email", flat=True))


def test_advertising_mail_leaves_out_and_counts_every_reason(mail_world, marketer, delivery_job):
    from daifuku.marketing.models import Delivery
    from daifuku.marketing.services.campaigns import start_send

    campaign = _campaign(marketer, mail_world["segment"], topic_id=mail_world["topic"].pk)
    campaign = start_send(campaign, actor=marketer)
    assert _addresses(campaign) == ["family@example.jp", "ok1@example.jp", "ok2@example.jp"]
    assert campaign.skipped == {
        "no_address": 1, "opted_out": 1, "no_consent": 2, "topic_refused": 1,
        "suppressed": 1, "duplicate": 1,
    }  # fmt: skip
    assert campaign.status == "sending" and campaign.started_at
    rows = list(Delivery.objects.filter(campaign=campaign))
    assert {r.status for r in rows} == {"pending"}
    assert all(len(r.token) == 22 for r in rows) and len({r.token for r in rows}) == 3
    assert {r.domain for r in rows} == {"example.jp"}
    family = next(r for r in rows if r.email == "family@example.jp")
    assert family.person_id == mail_world["people"]["family1"].pk  # the first person, once
    assert delivery_job == [campaign.pk]


def test_non_advertising_mail_needs_no_opt_in(mail_world, marketer, delivery_job):
    from daifuku.marketing.services.campaigns import start_send

    campaign = _campaign(
        marketer, mail_world["segment"], is_advertising=False, topic_id=mail_world["topic"].pk
    )
    campaign = start_send(campaign, actor=marketer)
    assert "none@example.jp" in _addresses(campaign)
    assert "noevidence@example.jp" in _addresses(campaign)
    assert "topic@example.jp" in _addresses(campaign)
    assert campaign.skipped == {
        "no_address": 1, "opted_out": 1, "no_consent": 0, "topic_refused": 0,
        "suppressed": 1, "duplicate": 1,
    }  # fmt: skip


def test_primary_address_is_used(mail_world, admin, marketer, delivery_job):
    from daifuku.customers.models import EmailAddress
    from daifuku.marketing.services.campaigns import start_send

    ok1 = mail_world["people"]["ok1"]
    EmailAddress.objects.filter(person=ok1).update(is_primary=False)
    EmailAddress.objects.create(person=ok1, address="main@example.com", domain="example.com",
                                is_primary=True)  # fmt: skip
    campaign = start_send(_campaign(marketer, mail_world["segment"]), actor=marketer)
    assert "main@example.com" in _addresses(campaign)
    assert "ok1@example.jp" not in _addresses(campaign)


def test_a_static_list(mail_world, admin, marketer, delivery_job):
    from daifuku.marketing.services import add_members, create_segment
    from daifuku.marketing.services.campaigns import start_send

    people = mail_world["people"]
    listed = create_segment(actor=admin, data={"name": "招待客", "kind": "static"})
    add_members(actor=admin, segment=listed,
                person_ids=[people["ok2"].pk, people["opted_out"].pk])  # fmt: skip
    campaign = start_send(_campaign(marketer, listed), actor=marketer)
    assert _addresses(campaign) == ["ok2@example.jp"]
    assert campaign.skipped["opted_out"] == 1 and sum(campaign.skipped.values()) == 1


def test_blocking_problems_stop_the_send(mail_world, marketer, delivery_job):
    from daifuku.marketing.models import Delivery
    from daifuku.marketing.services.campaigns import CampaignBlocked, start_send

    def check(campaign):
        return [
            hooks.Problem("missing_postal_address", "住所がありません", field="postal_address"),
            hooks.Problem("no_dmarc", "DMARC がありません", blocks=False),
        ]

    hooks.register_preflight_check(check)
    try:
        campaign = _campaign(marketer, mail_world["segment"])
        with pytest.raises(CampaignBlocked) as caught:
            start_send(campaign, actor=marketer)
    finally:
        hooks._preflight[:] = [pair for pair in hooks._preflight if pair[1] is not check]
    assert [p.code for p in caught.value.problems] == ["missing_postal_address"]
    body = caught.value.as_dict()
    assert body["code"] == "campaign_blocked"
    assert body["problems"][0]["field"] == "postal_address"
    assert not Delivery.objects.filter(campaign=campaign).exists() and delivery_job == []


def test_sent_once_only_and_reps_may_not_send(mail_world, marketer, rep, delivery_job):
    from daifuku.core.errors import DomainError
    from daifuku.marketing.services.campaigns import start_send

    campaign = _campaign(marketer, mail_world["segment"])
    with pytest.raises(DomainError) as refused:
        start_send(campaign, actor=rep)
    assert refused.value.status in (403, 404)
    start_send(campaign, actor=marketer)
    with pytest.raises(DomainError) as again:
        start_send(campaign, actor=marketer)
    assert again.value.code == "campaign_already_started" and again.value.status == 409
    assert delivery_job == [campaign.pk]


def test_template_is_copied(mail_world, marketer):
    from daifuku.marketing.models import MailTemplate
    from daifuku.marketing.services.campaigns import create_campaign

    template = MailTemplate.objects.create(
        name="お知らせ", subject="件名", html="<p>HTML</p>", text="TEXT", is_advertising=False
    )
    campaign = create_campaign(actor=marketer, data={
        "name": "案内", "segment_id": mail_world["segment"].pk, "template_id": template.pk,
    })  # fmt: skip
    template.subject = "変更後"
    template.save()
    campaign.refresh_from_db()
    assert (campaign.subject, campaign.html, campaign.text) == ("件名", "<p>HTML</p>", "TEXT")
    assert campaign.is_advertising is False


def test_scheduled_campaign_starts_when_due(mail_world, marketer, delivery_job):
    import datetime as dt

    from django.utils import timezone

    from daifuku.marketing.jobs import campaign_tick

    soon = timezone.now() + dt.timedelta(hours=1)
    campaign = _campaign(marketer, mail_world["segment"], send_at=soon.isoformat())
    assert campaign.status == "scheduled"
    assert campaign_tick()["started"] == []
    from daifuku.marketing.services.campaigns import start_due

    assert start_due(now=soon + dt.timedelta(seconds=1)) == [campaign.pk]
    campaign.refresh_from_db()
    assert campaign.status == "sending" and len(_addresses(campaign)) == 4  # no topic
    assert delivery_job == [campaign.pk]


def test_blocked_scheduled_campaign_goes_back_to_draft_with_its_problems(
    mail_world, marketer, delivery_job
):
    import datetime as dt

    from django.utils import timezone

    from daifuku.marketing.services.campaigns import start_due

    def check(campaign):
        return [hooks.Problem("missing_contact", "連絡先がありません", field="contact")]

    soon = timezone.now() + dt.timedelta(hours=1)
    campaign = _campaign(marketer, mail_world["segment"], send_at=soon.isoformat())
    hooks.register_preflight_check(check)
    try:
        assert start_due(now=soon + dt.timedelta(seconds=1)) == []
    finally:
        hooks._preflight[:] = [pair for pair in hooks._preflight if pair[1] is not check]
    campaign.refresh_from_db()
    assert campaign.status == "draft"
    assert campaign.problems[0]["code"] == "missing_contact"


def test_a_segment_used_by_a_campaign_is_not_deleted(mail_world, marketer, admin):
    from daifuku.core.errors import DomainError
    from daifuku.marketing.services import delete_segment

    _campaign(marketer, mail_world["segment"])
    with pytest.raises(DomainError) as refused:
        delete_segment(actor=admin, segment=mail_world["segment"])
    assert refused.value.code == "segment_in_use" and refused.value.status == 409
