"""The last look before a batch of deliveries goes out: who may still be sent to *now*.

The campaign's audience was chosen when the send started; a refusal made while it runs
(the one-click link of an earlier mail, the preference page, a bounce or complaint that
suppressed the address) must still stop the mail. The delivery engine calls
:func:`still_allowed` for each batch it claims and leaves out the rest (docs/mail-law.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from daifuku.customers.models import Consent
from daifuku.customers.models.consent import Channel, ConsentStatus

from ..models import Campaign, Delivery, TopicPreference
from .suppression import normalise, suppressed_among

CHUNK = 2000


def still_allowed(delivery_ids: Iterable[int]) -> set[int]:
    """The ids among ``delivery_ids`` that may be sent now: the address is not suppressed,
    and for advertising mail the person's e-mail consent is ``opted_in`` (legal
    exceptions are recorded as opt-ins with their basis as the method) and they did not
    refuse the campaign's topic. A handful of queries per 2,000 deliveries."""
    ids = sorted(set(delivery_ids))
    allowed: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        allowed |= _allowed_chunk(ids[start : start + CHUNK])
    return allowed


def _allowed_chunk(ids: list[int]) -> set[int]:
    plain = list(
        Delivery.objects.filter(pk__in=ids).values_list("pk", "person_id", "email", "campaign_id")
    )
    # a batch is (nearly always) one campaign: read it once rather than join it per row
    kinds = {
        pk: (advertising, topic_id)
        for pk, advertising, topic_id in Campaign.objects.filter(
            pk__in={row[3] for row in plain}
        ).values_list("pk", "is_advertising", "topic_id")
    }
    rows = [
        (pk, person_id, email, *kinds[campaign_id]) for pk, person_id, email, campaign_id in plain
    ]
    suppressed = suppressed_among(row[2] for row in rows)
    people = {row[1] for row in rows if row[1] is not None and row[3]}
    consenting: set[int] = set()
    refused_topics: set[tuple[int, int]] = set()
    if people:
        # by (person, channel) — the unique index; naming the status too lets SQLite pick
        # the (channel, status) index and read every consent of the ledger (2× slower)
        consenting = {
            person_id
            for person_id, status in Consent.objects.filter(
                person_id__in=people, channel=Channel.EMAIL
            ).values_list("person_id", "status")
            if status == ConsentStatus.OPTED_IN
        }
        topics = {row[4] for row in rows if row[4] is not None}
        if topics:
            refused_topics = {
                (person_id, topic_id)
                for person_id, topic_id, subscribed in TopicPreference.objects.filter(
                    person_id__in=people, topic_id__in=topics
                ).values_list("person_id", "topic_id", "subscribed")
                if not subscribed
            }
    allowed = set()
    for pk, person_id, email, advertising, topic_id in rows:
        if normalise(email) in suppressed:
            continue
        if advertising:
            if person_id is None or person_id not in consenting:
                continue
            if topic_id is not None and (person_id, topic_id) in refused_topics:
                continue
        allowed.add(pk)
    return allowed
