"""The campaign's stored audience count: who it would reach and who would be left out by
reason, counted once and kept with the time it was counted, so the campaign's page stays
fast on a big ledger instead of resolving the audience on every load. Counted when the
campaign is saved, when the send is confirmed, and when someone asks for a new count."""

from __future__ import annotations

from django.utils import timezone

from ..models import Campaign
from ..selectors.audience import resolve


def count_audience(campaign: Campaign):
    """Resolve the audience now and keep its figures on the campaign; returns the
    :class:`~..selectors.audience.Audience` (the caller may show it)."""
    audience = resolve(campaign)
    values = {
        "audience_count": len(audience.recipients),
        "audience_skipped": {key: int(n) for key, n in audience.skipped.items() if n},
        "audience_counted_at": timezone.now(),
        "audience_version": campaign.version,
    }
    # an update of these columns only: not an edit of the campaign (its version stays)
    Campaign.objects.filter(pk=campaign.pk).update(**values)
    for name, value in values.items():
        setattr(campaign, name, value)
    return audience
