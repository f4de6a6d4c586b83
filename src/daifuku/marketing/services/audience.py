"""Writing a campaign's delivery rows: one pending row per recipient, created before
anything is sent (who the recipients are: :mod:`..selectors.audience`)."""

from __future__ import annotations

import secrets

from daifuku.core import db

from ..models import Campaign, Delivery, DeliveryStatus
from ..selectors.audience import BATCH, SKIP_REASONS, Audience, Recipient, resolve

__all__ = ["SKIP_REASONS", "Audience", "Recipient", "create_deliveries", "new_token", "resolve"]


def new_token() -> str:
    """A delivery's name in links and return paths: 22 url-safe random characters."""
    return secrets.token_urlsafe(16)[:22]


COLUMNS = (
    "campaign_id", "variant_id", "person_id", "email", "domain", "token", "status",
    "attempts", "claimed_by", "message_id", "response",
)  # fmt: skip


def create_deliveries(
    campaign: Campaign, recipients: list[Recipient], *, variant_of: dict[int, int] | None = None
) -> int:
    """One pending delivery row per recipient (``variant_of``: person id → variant id for
    the A/B test group). Returns the number of rows.

    Written with ``core.db.bulk_insert`` (COPY on PostgreSQL, executemany on SQLite) inside
    the caller's transaction: the ORM's ``bulk_create`` spent ~0.5 ms per row building
    model instances (minutes for a million recipients before the first mail could leave);
    plain tuples in the table's column order take a few microseconds."""
    pending = DeliveryStatus.PENDING.value
    variant_of = variant_of or {}
    pk = campaign.pk
    rows = (
        (pk, variant_of.get(r.person_id), r.person_id, r.email, r.domain, new_token(),
         pending, 0, "", "", "")
        for r in recipients
    )  # fmt: skip
    return db.bulk_insert(Delivery._meta.db_table, COLUMNS, rows, batch=BATCH)
