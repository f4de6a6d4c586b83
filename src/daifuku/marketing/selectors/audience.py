"""Who a campaign goes to, and who is left out and why (特定電子メール法 第3条).

The audience is resolved set-based: one query over the segment's people that carries, for
each person, their e-mail consent, whether it has evidence on record, their refusal of the
campaign's topic and their primary address; then one chunked look-up of the suppression
list. Nobody is left out silently: every person of the segment either gets one delivery
row or is counted under exactly one reason in ``Campaign.skipped``, tried in this order —

* ``no_address`` — no e-mail address on the ledger;
* ``opted_out`` — the person refused e-mail (consent status 「拒否」);
* ``no_consent`` — advertising mail only: no opt-in consent with evidence on record
  (an opt-in recorded without evidence does not count: the law asks for the record);
* ``topic_refused`` — advertising mail only: the person unsubscribed from the campaign's
  topic on the preference page;
* ``suppressed`` — the address is on the suppression list (bounce, complaint, refusal);
* ``duplicate`` — the address already receives this campaign through another person of
  the segment (family members sharing one address get one mail).

Mail that is not advertising (a notice of a product recall, a change of terms) needs no
opt-in, so only ``no_address``, ``opted_out``, ``suppressed`` and ``duplicate`` apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Subquery

from daifuku.customers.models import Consent, EmailAddress, Person
from daifuku.customers.models.consent import Channel, ConsentStatus

from ..conditions import segment_q
from ..models import Campaign, TopicPreference
from ..services.suppression import normalise, suppressed_among

SKIP_REASONS = (
    "no_address",
    "opted_out",
    "no_consent",
    "topic_refused",
    "suppressed",
    "duplicate",
)
BATCH = 2000


@dataclass
class Recipient:
    person_id: int
    email: str

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


@dataclass
class Audience:
    """The people a campaign would go to (one per address, in person id order) and how
    many of the segment were left out, by reason."""

    recipients: list[Recipient] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SKIP_REASONS, 0))
    # a page of the audience (``resolve(limit=…)``): the last person id read, and whether
    # the segment has people after it
    last_person_id: int | None = None
    more: bool = False

    @property
    def total(self) -> int:
        return len(self.recipients) + sum(self.skipped.values())


def audience_rows(
    campaign: Campaign, *, after: int | None = None, limit: int | None = None
) -> Iterable[tuple]:
    """``(person_id, consent_status, has_evidence, address, topic_refused)`` for every
    person of the campaign's segment, in one query (consent, address and topic choice are
    correlated sub-queries on indexed columns); with ``after``/``limit``, one page of them
    in person id order (a large audience written in chunks)."""
    email_consent = Consent.objects.filter(person_id=OuterRef("pk"), channel=Channel.EMAIL)
    address = (
        EmailAddress.objects.filter(person_id=OuterRef("pk"))
        .order_by("-is_primary", "id")
        .values("address")[:1]
    )
    people = Person.objects.filter(segment_q(campaign.segment))
    if after is not None:
        people = people.filter(pk__gt=after)
    people = people.annotate(
        consent_status=Subquery(email_consent.values("status")[:1]),
        has_evidence=Exists(
            email_consent.filter(status=ConsentStatus.OPTED_IN).exclude(evidence="")
        ),
        address=Subquery(address),
    )
    if campaign.topic_id:
        people = people.annotate(
            topic_refused=Exists(
                TopicPreference.objects.filter(
                    person_id=OuterRef("pk"), topic_id=campaign.topic_id, subscribed=False
                )
            )
        )
        fields = ("pk", "consent_status", "has_evidence", "address", "topic_refused")
        rows = people.order_by("pk").values_list(*fields)
        return (rows[:limit] if limit else rows).iterator(chunk_size=BATCH)
    rows = people.order_by("pk").values_list("pk", "consent_status", "has_evidence", "address")
    rows = rows[:limit] if limit else rows
    return ((*row, False) for row in rows.iterator(chunk_size=BATCH))


def resolve(
    campaign: Campaign,
    *,
    exclude_emails: Iterable[str] = (),
    after: int | None = None,
    limit: int | None = None,
) -> Audience:
    """The campaign's audience now. ``exclude_emails`` are addresses that already have a
    delivery row (the A/B test group when the rest is released): they are neither
    recipients nor counted as skipped. ``after``/``limit``: only the next ``limit`` people
    of the segment after person id ``after`` (``last_person_id`` and ``more`` tell where
    the page ended)."""
    audience = Audience()
    skipped = audience.skipped
    advertising = campaign.is_advertising
    candidates: list[Recipient] = []
    read = 0
    rows = audience_rows(campaign, after=after, limit=limit)
    for person_id, status, has_evidence, raw_address, topic_refused in rows:
        read += 1
        audience.last_person_id = person_id
        address = normalise(raw_address or "")
        if not address or "@" not in address:
            skipped["no_address"] += 1
        elif status == ConsentStatus.OPTED_OUT:
            skipped["opted_out"] += 1
        elif advertising and not has_evidence:
            skipped["no_consent"] += 1
        elif advertising and topic_refused:
            skipped["topic_refused"] += 1
        else:
            candidates.append(Recipient(person_id, address))
    audience.more = bool(limit) and read >= (limit or 0)
    suppressed = suppressed_among(r.email for r in candidates)
    already = {normalise(e) for e in exclude_emails}
    seen: set[str] = set()
    for recipient in candidates:
        if recipient.email in suppressed:
            skipped["suppressed"] += 1
        elif recipient.email in seen:
            skipped["duplicate"] += 1
        else:
            seen.add(recipient.email)
            if recipient.email not in already:
                audience.recipients.append(recipient)
    return audience
