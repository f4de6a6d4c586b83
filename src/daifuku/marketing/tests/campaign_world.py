"""A small audience in which every rule of who receives a campaign has someone it applies
to: consent with and without evidence, refusals, a suppressed address, a refused topic,
no address, two people sharing one address, a person with two addresses."""

from __future__ import annotations

import pytest

from daifuku.core import events


@pytest.fixture
def delivery_job(monkeypatch):
    """Stands in for the delivery engine's job (``marketing.jobs.send_campaign_task``, the
    delivery engineer's) with a real django-tasks task that records the campaign ids it is
    enqueued with, so the tests see the enqueue without sending anything."""
    from daifuku.marketing import jobs

    from . import campaign_tasks

    campaign_tasks.ENQUEUED.clear()
    monkeypatch.setattr(jobs, "send_campaign_task", campaign_tasks.record_send, raising=False)
    return campaign_tasks.ENQUEUED


@pytest.fixture
def marketer(make_user):
    return make_user("marketer", "marketer")


@pytest.fixture
def mail_world(admin, marketer):
    from daifuku.customers.models import Consent
    from daifuku.customers.services import create_person, record_consent
    from daifuku.marketing.models import MailTopic, TopicPreference
    from daifuku.marketing.services import create_segment
    from daifuku.marketing.services.suppression import suppress

    events.STRICT = False  # the ledger's own events are not what these tests are about

    def person(family, email=None, consent=None, **data):
        p = create_person(
            actor=admin, data={"family_name": family, "given_name": "テスト", **data,
                               **({"email": email} if email else {})}
        )  # fmt: skip
        if consent:
            record_consent(actor=admin, person=p, channel="email", status=consent,
                           method="form", evidence="申込書 2026-01-01")  # fmt: skip
        return p

    people = {
        "ok1": person("承諾", "ok1@example.jp", "opted_in"),
        "ok2": person("承諾二", "OK2@Example.jp", "opted_in"),
        "no_consent": person("未承諾", "none@example.jp"),
        "no_evidence": person("証跡なし", "noevidence@example.jp", "opted_in"),
        "opted_out": person("拒否", "out@example.jp", "opted_out"),
        "suppressed": person("停止", "bounced@example.jp", "opted_in"),
        "topic": person("話題拒否", "topic@example.jp", "opted_in"),
        "no_address": person("住所なし", None, "opted_in"),
        "family1": person("家族", "family@example.jp", "opted_in"),
        "family2": person("家族二", "family@example.jp", "opted_in"),
    }
    # an opt-in recorded without its evidence (an old import) does not count as consent
    Consent.objects.filter(person=people["no_evidence"]).update(evidence="")
    suppress("Bounced@example.jp", "bounce")
    topic = MailTopic.objects.create(key="news", name="新商品のお知らせ")
    TopicPreference.objects.create(person=people["topic"], topic=topic, subscribed=False)
    everyone = create_segment(actor=admin, data={"name": "全員", "rules": {"all": []}})
    return {"people": people, "topic": topic, "segment": everyone}
