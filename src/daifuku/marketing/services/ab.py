"""A/B tests of subjects: a share of the audience tries the subjects, the rest gets the
winner.

At the start, ``ab_share`` percent of the audience (rounded up) is drawn by a shuffle
seeded with the campaign's id — the same audience always gives the same groups — and split
evenly between the variants (A, B, … in turn). Only the test group gets delivery rows; the
rest has *no rows yet*, so no engine can send them early. After ``ab_wait_hours`` the
schedule's entry (:func:`release_due`) compares the variants by open or click rate
(deliveries with ``opened_at`` / ``clicked_at`` over deliveries sent; a tie goes to the
earlier label), marks the winner and resolves the audience again: people who refused mail,
lost their consent or were suppressed meanwhile are left out and counted, the test group is
not sent twice, and everyone else gets a row with the winner as its variant (the engine
sends a row's variant subject).
"""

from __future__ import annotations

import math
import random

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from daifuku.core import audit

from ..models import AbMetric, Campaign, CampaignStatus, CampaignVariant, Delivery, DeliveryStatus
from . import audience as audience_mod
from .audience import Recipient

SENT = (DeliveryStatus.SENT, DeliveryStatus.BOUNCED)


def _shuffled(campaign: Campaign, recipients: list[Recipient]) -> list[Recipient]:
    ordered = sorted(recipients, key=lambda r: r.person_id)
    random.Random(f"campaign-{campaign.pk}").shuffle(ordered)
    return ordered


def split(
    campaign: Campaign, recipients: list[Recipient], variants: list[CampaignVariant]
) -> dict[int, int]:
    """person id → variant id, the variants taking turns over the seeded shuffle."""
    return {
        r.person_id: variants[i % len(variants)].pk
        for i, r in enumerate(_shuffled(campaign, recipients))
    }


def test_group(
    campaign: Campaign, recipients: list[Recipient], variants: list[CampaignVariant]
) -> tuple[list[Recipient], dict[int, int]]:
    """The recipients who test the subjects (``ab_share`` %, at least one per variant when
    the audience allows) and their variants."""
    size = math.ceil(len(recipients) * campaign.ab_share / 100)
    size = min(len(recipients), max(size, len(variants)))
    group = _shuffled(campaign, recipients)[:size]
    return group, split(campaign, group, variants)


def variant_rates(campaign: Campaign) -> list[dict]:
    """Each variant's sent, opened and clicked deliveries and the rate the campaign's
    metric compares."""
    rows = (
        Delivery.objects.filter(campaign_id=campaign.pk, variant__isnull=False)
        .values("variant_id")
        .annotate(
            sent=Count("pk", filter=Q(status__in=SENT)),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
        )
    )
    by_variant = {row["variant_id"]: row for row in rows}
    result = []
    for variant in campaign.variants.order_by("label"):
        row = by_variant.get(variant.pk, {"sent": 0, "opened": 0, "clicked": 0})
        hits = row["clicked"] if campaign.ab_metric == AbMetric.CLICK else row["opened"]
        result.append(
            {
                "variant": variant,
                "sent": row["sent"],
                "opened": row["opened"],
                "clicked": row["clicked"],
                "rate": hits / row["sent"] if row["sent"] else 0.0,
            }
        )
    return result


def choose_winner(campaign: Campaign) -> CampaignVariant | None:
    rates = variant_rates(campaign)
    if not rates:
        return None
    best = max(rates, key=lambda r: (r["rate"], -ord(r["variant"].label[0])))
    return best["variant"]


def is_due(campaign: Campaign, now=None) -> bool:
    now = now or timezone.now()
    started = campaign.started_at or now
    return (now - started).total_seconds() >= campaign.ab_wait_hours * 3600


@transaction.atomic
def release_rest(campaign: Campaign, *, actor="system") -> int:
    """Pick the winner and give the rest of the audience their rows (idempotent: a
    campaign no longer testing is left alone). Returns the number of new rows."""
    from .campaigns import enqueue_delivery

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.TESTING:
        return 0
    winner = choose_winner(campaign)
    already = Delivery.objects.filter(campaign_id=campaign.pk).values_list("email", flat=True)
    resolved = audience_mod.resolve(campaign, exclude_emails=list(already))
    variant_of = {r.person_id: winner.pk for r in resolved.recipients} if winner else {}
    created = audience_mod.create_deliveries(campaign, resolved.recipients, variant_of=variant_of)
    if winner:
        CampaignVariant.objects.filter(pk=winner.pk).update(is_winner=True)
    campaign.skipped = resolved.skipped
    campaign.status = CampaignStatus.SENDING
    campaign.version += 1
    campaign.save(update_fields=["skipped", "status", "version", "updated_at"])
    audit.record(
        actor=actor,
        action="ab_winner",
        obj=campaign,
        changes={"winner": [None, winner.label if winner else None]},
        note=f"{created} deliveries for the rest",
    )
    enqueue_delivery(campaign.pk)
    return created


def release_due(now=None) -> list[int]:
    """The schedule's entry: release every A/B test whose waiting time has passed."""
    released = []
    for campaign in Campaign.objects.filter(status=CampaignStatus.TESTING).order_by("pk"):
        if is_due(campaign, now):
            release_rest(campaign)
            released.append(campaign.pk)
    return released
