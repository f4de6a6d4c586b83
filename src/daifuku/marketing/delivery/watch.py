"""What the schedule (and a starting worker) looks after: campaigns whose sending stopped.

A worker killed mid-run leaves its job "running" for ever in the queue and its claims
``sending``. Every minute, and whenever a worker starts, the claims of workers that are
gone become ``unknown`` (:func:`.claims.recover_stale_claims`), campaigns with nothing
left to send are marked sent, and campaigns that still have due deliveries but nobody
claiming them get their job queued again (:func:`campaigns_to_resume`).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..models import Campaign, CampaignStatus, Delivery, DeliveryStatus
from .claims import due

# a campaign some worker claimed a batch of within this long is being sent
QUIET_AFTER = dt.timedelta(minutes=2)
SENDABLE = (CampaignStatus.SENDING, CampaignStatus.TESTING)
ACTIVE = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.DEFERRED)


def campaigns_to_resume(now: dt.datetime | None = None) -> list[int]:
    """Campaigns being sent with deliveries due now and no claim in the last
    :data:`QUIET_AFTER` (one indexed look-up per campaign being sent, however large)."""
    now = now or timezone.now()
    out = []
    sendable = Campaign.objects.filter(status__in=SENDABLE)
    for campaign_id, cursor in sendable.values_list("pk", "audience_cursor"):
        rows = Delivery.objects.filter(campaign_id=campaign_id)
        if (
            cursor is not None
            and not rows.filter(
                status=DeliveryStatus.SENDING, claimed_at__gt=now - QUIET_AFTER
            ).exists()
        ):
            out.append(campaign_id)  # its audience is not all written and nobody sends
            continue
        if not rows.filter(due(now)).exists():
            continue
        if rows.filter(status=DeliveryStatus.SENDING, claimed_at__gt=now - QUIET_AFTER).exists():
            continue
        out.append(campaign_id)
    return out


def finish_done_campaigns() -> int:
    """Campaigns still marked sending with no delivery left to send become sent."""
    sending = Campaign.objects.filter(status=CampaignStatus.SENDING, audience_cursor__isnull=True)
    active = Delivery.objects.filter(status__in=ACTIVE).values("campaign_id")
    return (
        sending.exclude(pk__in=active)
        .filter(pk__in=Delivery.objects.values("campaign_id"))
        .update(status=CampaignStatus.SENT, finished_at=timezone.now())
    )
