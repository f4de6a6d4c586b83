"""Campaigns (issue 20): resolving a campaign's audience and writing its delivery rows
set-based (one query over the list's people with consent, address and topic choice, one
chunked suppression look-up, rows bulk-inserted in batches), against the per-person loop a
developer would write first (for each person: their address, their consent, their topic
choice, the suppression list, then one INSERT), over the same N recipients in the same run.

Both must produce the same rows; the ratio is the loop's time over the set-based time.
"""

from __future__ import annotations

import time

from . import common, ledger

RECIPIENTS = {"tiny": 200, "small": 5_000, "full": 20_000}


def _naive(campaign) -> int:
    """The per-person loop: five queries and one INSERT per person."""
    from daifuku.customers.models import Consent, EmailAddress, Person
    from daifuku.marketing.conditions import segment_q
    from daifuku.marketing.models import Delivery, TopicPreference
    from daifuku.marketing.services.audience import new_token
    from daifuku.marketing.services.suppression import is_suppressed

    made = 0
    seen: set[str] = set()
    for person in Person.objects.filter(segment_q(campaign.segment)).order_by("pk"):
        email = EmailAddress.objects.filter(person=person).order_by("-is_primary", "id").first()
        if email is None:
            continue
        consent = Consent.objects.filter(person=person, channel="email").first()
        if consent is not None and consent.status == "opted_out":
            continue
        if campaign.is_advertising and not (
            consent and consent.status == "opted_in" and consent.evidence
        ):
            continue
        if (
            campaign.is_advertising
            and campaign.topic_id
            and TopicPreference.objects.filter(
                person=person, topic_id=campaign.topic_id, subscribed=False
            ).exists()
        ):
            continue
        address = email.address.strip().lower()
        if is_suppressed(address) or address in seen:
            continue
        seen.add(address)
        Delivery.objects.create(
            campaign=campaign,
            person=person,
            email=address,
            domain=address.rpartition("@")[2],
            token=new_token(),
        )
        made += 1
    return made


def _set_based(campaign) -> int:
    from daifuku.marketing.services.audience import create_deliveries, resolve

    return create_deliveries(campaign, resolve(campaign).recipients)


def run(scale: str) -> list[common.Result]:
    from django.db import transaction

    from daifuku.customers.models import Person
    from daifuku.marketing.models import Campaign, Delivery, Segment, StaticMember

    data = ledger.ensure_people(scale)
    n = RECIPIENTS[scale]
    segment, _ = Segment.objects.get_or_create(
        name=f"bench: campaign list {n}", defaults={"kind": "static"}
    )
    if StaticMember.objects.filter(segment=segment).count() != n:
        StaticMember.objects.filter(segment=segment).delete()
        ids = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:n])
        StaticMember.objects.bulk_create(
            [StaticMember(segment=segment, person_id=pk) for pk in ids], batch_size=5000
        )
    campaign, _ = Campaign.objects.get_or_create(
        name="bench: audience",
        defaults={"segment": segment, "subject": "bench", "text": "bench", "is_advertising": False},
    )
    Campaign.objects.filter(pk=campaign.pk).update(segment=segment, is_advertising=False)
    campaign.refresh_from_db()

    def timed(write) -> tuple[float, list[str]]:
        Delivery.objects.filter(campaign=campaign).delete()
        started = time.perf_counter()
        with transaction.atomic():
            write(campaign)
        took = (time.perf_counter() - started) * 1000
        rows = sorted(Delivery.objects.filter(campaign=campaign).values_list("email", flat=True))
        return took, rows

    fast, slow = [], []
    rounds = 3 if scale != "full" else 1
    for _ in range(rounds):
        took, fast_rows = timed(_set_based)
        fast.append(took)
        took, slow_rows = timed(_naive)
        slow.append(took)
        assert fast_rows == slow_rows, (len(fast_rows), len(slow_rows))
    Delivery.objects.filter(campaign=campaign).delete()
    metrics = {"set_based_ms": round(sorted(fast)[len(fast) // 2], 1), "rows": len(fast_rows)}
    baseline = {"per_person_loop_ms": round(sorted(slow)[len(slow) // 2], 1)}
    ratio = round(baseline["per_person_loop_ms"] / max(metrics["set_based_ms"], 0.001), 2)
    per_row_us = metrics["set_based_ms"] * 1000 / max(metrics["rows"], 1)
    return [
        common.Result(
            benchmark="campaign_audience",
            scale=scale,
            metrics=metrics,
            baseline=baseline,
            ratio={"set_based_vs_loop": ratio},
            goal="delivery rows written set-based, well ahead of a per-person loop",
            passed=None,
            notes=f"{n:,} people on a list ({data['people']:,} in the ledger), "
            f"{metrics['rows']:,} delivery rows (the rest without an address or opted out); "
            f"{per_row_us:.0f} µs per row set-based; baseline = per-person ORM loop "
            "(address, consent, topic, suppression, INSERT per person), same rows checked",
        )
    ]
