"""Writing a campaign's delivery rows: one pending row per recipient, created before
anything is sent (who the recipients are: :mod:`..selectors.audience`)."""

from __future__ import annotations

import secrets

from ..models import Campaign, Delivery
from ..selectors.audience import BATCH, SKIP_REASONS, Audience, Recipient, resolve

__all__ = ["SKIP_REASONS", "Audience", "Recipient", "create_deliveries", "new_token", "resolve"]


def new_token() -> str:
    """A delivery's name in links and return paths: 22 url-safe random characters."""
    return secrets.token_urlsafe(16)[:22]


def create_deliveries(
    campaign: Campaign, recipients: list[Recipient], *, variant_of: dict[int, int] | None = None
) -> int:
    """One pending delivery row per recipient, inserted in batches (``variant_of``: person
    id → variant id for the A/B test group). Returns the number of rows."""
    created = 0
    variant_of = variant_of or {}
    for start in range(0, len(recipients), BATCH):
        batch = [
            Delivery(
                campaign_id=campaign.pk,
                variant_id=variant_of.get(r.person_id),
                person_id=r.person_id,
                email=r.email,
                domain=r.domain,
                token=new_token(),
            )
            for r in recipients[start : start + BATCH]
        ]
        Delivery.objects.bulk_create(batch, batch_size=BATCH)
        created += len(batch)
    return created
