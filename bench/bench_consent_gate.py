"""The consent gate (issue 20, mail law): before each batch the delivery engine asks
``marketing.services.consent_gate.still_allowed`` which deliveries may still go — not
suppressed, and for advertising mail still opted in and not refusing the campaign's topic.
Measured on a batch of 500 deliveries and on the whole campaign, against the naive check a
send loop would make per recipient (three look-ups each) in the same run.

Goal: at least 10× the per-recipient look-ups, so the gate is not what limits a
1,000 messages/s send (a 500-delivery batch is half a second of sending; the gate should
take a small part of it).
"""

from __future__ import annotations

import secrets

from . import common, ledger

BATCH = 500


def _campaign(people: list[int]):
    from django.db import transaction

    from daifuku.customers.models import Consent
    from daifuku.marketing.models import Campaign, Delivery, MailTopic, Segment, TopicPreference
    from daifuku.marketing.services.suppression import suppress

    name = f"bench: consent gate {len(people)}"
    found = Campaign.objects.filter(name=name).first()
    if found is not None:
        return found
    with transaction.atomic():
        topic, _ = MailTopic.objects.get_or_create(key="bench", defaults={"name": "bench"})
        segment, _ = Segment.objects.get_or_create(name="bench: consent gate")
        campaign = Campaign.objects.create(name=name, segment=segment, subject="s", topic=topic)
        Delivery.objects.bulk_create(
            [
                Delivery(
                    campaign=campaign,
                    person_id=pk,
                    email=f"p{pk}@bench.example",
                    domain="bench.example",
                    token=secrets.token_urlsafe(16)[:22],
                )
                for pk in people
            ],
            batch_size=2000,
        )
        # most opted in, every 10th opted out, every 25th refusing the topic, every 50th bounced
        have = set(
            Consent.objects.filter(person_id__in=people, channel="email").values_list(
                "person_id", flat=True
            )
        )
        Consent.objects.bulk_create(
            [
                Consent(
                    person_id=pk,
                    channel="email",
                    method="form",
                    evidence="bench",
                    status="opted_out" if i % 10 == 0 else "opted_in",
                )
                for i, pk in enumerate(people)
                if pk not in have
            ],
            batch_size=2000,
        )
        TopicPreference.objects.bulk_create(
            [
                TopicPreference(person_id=pk, topic=topic, subscribed=False)
                for i, pk in enumerate(people)
                if i % 25 == 0
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        for i, pk in enumerate(people):
            if i % 50 == 0:
                suppress(f"p{pk}@bench.example", "bounce")
    return campaign


def _naive(ids: list[int]) -> set[int]:
    """What a send loop does without the gate: three look-ups per recipient."""
    from daifuku.customers.models import Consent
    from daifuku.marketing.models import Delivery, TopicPreference
    from daifuku.marketing.services.suppression import is_suppressed

    allowed = set()
    for delivery in Delivery.objects.filter(pk__in=ids).select_related("campaign"):
        if is_suppressed(delivery.email):
            continue
        if not Consent.objects.filter(
            person_id=delivery.person_id, channel="email", status="opted_in"
        ).exists():
            continue
        if TopicPreference.objects.filter(
            person_id=delivery.person_id, topic_id=delivery.campaign.topic_id, subscribed=False
        ).exists():
            continue
        allowed.add(delivery.pk)
    return allowed


def run(scale: str) -> list[common.Result]:
    from daifuku.customers.models import Person
    from daifuku.marketing.models import Delivery
    from daifuku.marketing.services.consent_gate import still_allowed

    data = ledger.ensure_people(scale)
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:20_000])
    campaign = _campaign(people)
    ids = list(
        Delivery.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)
    )
    batch = ids[:BATCH]
    assert still_allowed(batch) == _naive(batch)
    repeat = 7
    metrics = {
        "batch_p50_ms": common.summary(common.time_ms(lambda: still_allowed(batch), repeat=repeat))[
            "p50_ms"
        ],
        "campaign_ms": common.summary(
            common.time_ms(lambda: still_allowed(ids), repeat=3, warmup=1)
        )["p50_ms"],
    }
    baseline = {
        "batch_p50_ms": common.summary(common.time_ms(lambda: _naive(batch), repeat=3, warmup=1))[
            "p50_ms"
        ],
    }
    ratio = round(baseline["batch_p50_ms"] / max(metrics["batch_p50_ms"], 0.001), 1)
    return [
        common.Result(
            benchmark="consent_gate",
            scale=scale,
            metrics={**metrics, "deliveries": len(ids), "batch": len(batch)},
            baseline=baseline,
            ratio=ratio,
            goal="≥ 10× the per-recipient look-ups on a 500-delivery batch",
            passed=ratio >= 10,
            notes=f"{data['people']:,} people in the ledger, {len(ids):,} deliveries; baseline = "
            "three look-ups per recipient (suppression, consent, topic) as a send loop would",
        )
    ]
