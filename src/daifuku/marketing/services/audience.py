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


# --- a large audience, written in chunks while the first ones are sent --------------------
def chunk_size() -> int:
    """People read per chunk (``DAIFUKU_MAIL_AUDIENCE_CHUNK``): the first chunk is written
    when the send starts, so the first mail leaves within seconds however large the
    audience; the rest follow chunk by chunk while the engine sends."""
    from django.conf import settings

    return max(1, int(getattr(settings, "DAIFUKU_MAIL_AUDIENCE_CHUNK", 20_000)))


def taken_addresses(campaign_id: int, emails: list[str]) -> set[str]:
    """The addresses among ``emails`` that already have a row in this campaign (an
    earlier chunk's person with the same address)."""
    taken: set[str] = set()
    for start in range(0, len(emails), BATCH):
        taken.update(
            Delivery.objects.filter(
                campaign_id=campaign_id, email__in=emails[start : start + BATCH]
            ).values_list("email", flat=True)
        )
    return taken


def add_skipped(total: dict | None, more: dict[str, int]) -> dict[str, int]:
    out = {reason: int((total or {}).get(reason, 0)) for reason in SKIP_REASONS}
    for reason, n in more.items():
        out[reason] = out.get(reason, 0) + n
    return out


def write_chunk(campaign: Campaign, after: int | None) -> Audience:
    """Read the next chunk of the audience after person id ``after`` (None: from the
    start) and write its rows inside the caller's transaction (:func:`store_chunk`)."""
    return store_chunk(campaign, after, resolve(campaign, after=after, limit=chunk_size()))


def store_chunk(campaign: Campaign, after: int | None, chunk: Audience) -> Audience:
    """Write the delivery rows of ``chunk`` (read after person id ``after``); addresses an
    earlier chunk already has count as ``duplicate``. The caller moves
    ``audience_cursor`` to the chunk's ``last_person_id`` (or None when ``more`` is
    false) in the same transaction: rows and cursor commit together, so a chunk is never
    written twice nor skipped."""
    if after is not None and chunk.recipients:
        taken = taken_addresses(campaign.pk, [r.email for r in chunk.recipients])
        if taken:
            kept = [r for r in chunk.recipients if r.email not in taken]
            chunk.skipped["duplicate"] += len(chunk.recipients) - len(kept)
            chunk.recipients = kept
    create_deliveries(campaign, chunk.recipients)
    return chunk


def extend(campaign_id: int, *, chunks: int | None = None) -> bool:
    """Write the next chunks of a campaign whose audience is still being written (all of
    them, or ``chunks``); True while more remain. Each chunk is read outside any
    transaction (on SQLite the senders' claims and results need the write lock
    meanwhile), then written in one short transaction that locks the campaign row (SQLite:
    the write lock) and checks the cursor has not moved — if another worker wrote that
    chunk meanwhile, the read is thrown away — so a chunk is never written twice."""
    import time

    from django.db import transaction

    from .. import models as m

    done = 0
    sendable = (m.CampaignStatus.SENDING, m.CampaignStatus.TESTING)
    while chunks is None or done < chunks:
        campaign = m.Campaign.objects.filter(pk=campaign_id, audience_cursor__isnull=False).first()
        if campaign is None or campaign.status not in sendable:
            return False  # every row written, or cancelled meanwhile: the rest is not written
        after = campaign.audience_cursor
        chunk = resolve(campaign, after=after, limit=chunk_size())
        with transaction.atomic():
            locked = m.Campaign.objects.select_for_update().filter(pk=campaign_id).first()
            if locked is None or locked.audience_cursor != after or locked.status not in sendable:
                continue  # another worker wrote this chunk (or the campaign stopped): look again
            store_chunk(locked, after, chunk)
            locked.skipped = add_skipped(locked.skipped, chunk.skipped)
            locked.audience_cursor = chunk.last_person_id if chunk.more else None
            locked.save(update_fields=["skipped", "audience_cursor", "updated_at"])
        done += 1
        if locked.audience_cursor is None:
            return False
        time.sleep(0.02)  # SQLite: let the senders take the write lock between chunks
    return True


def still_writing(campaign_id: int) -> bool:
    """True while the campaign's audience is still being written (it is not finished
    even when every row written so far is sent)."""
    return Campaign.objects.filter(pk=campaign_id, audience_cursor__isnull=False).exists()
