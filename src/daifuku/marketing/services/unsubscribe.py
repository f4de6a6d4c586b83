"""Refusals of advertising mail (特定電子メール法 第3条第3項: after a refusal no more
advertising mail may be sent) and the recipient's own topic choices, made through the
signed links in every advertising mail — no login.

A refusal is recorded where every send looks: the person's e-mail consent becomes
``opted_out`` through the customer ledger's consent service (with the evidence 「ワンクリック
配信停止 (RFC 8058) <campaign>」 and the audit trail keeping what it replaced), and the
delivery gets an ``unsubscribe`` event for the campaign's statistics. A delivery with no
person in the ledger (an address only) puts the address on the suppression list instead.
Both are honoured at once: the delivery engine asks :mod:`.consent_gate` before each batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core.errors import NotFound
from daifuku.customers.models import Consent
from daifuku.customers.models.consent import Channel, ConsentMethod, ConsentStatus
from daifuku.customers.services import record_consent

from ..models import (
    Delivery,
    MailEvent,
    MailEventKind,
    MailTopic,
    SuppressionReason,
    TopicPreference,
)
from . import suppression

# who the audit trail names for changes the recipient made through a link
RECIPIENT = "recipient (unsubscribe link)"

ONE_CLICK = "one_click"  # RFC 8058 POST from the mail program
PAGE = "page"  # the confirmation or preference page's button
MAILTO = "mailto"  # a refusal mail to the unsubscribe address

_EVIDENCE = {
    ONE_CLICK: "ワンクリック配信停止 (RFC 8058) {campaign}",
    PAGE: "配信停止ページで停止 {campaign}",
    MAILTO: "配信停止メール受信 {campaign}",
}


@dataclass(frozen=True)
class Refusal:
    delivery: Delivery
    already: bool  # the person (or address) had refused before


def delivery_for(token: str) -> Delivery:
    """The delivery a (verified) token names, with its campaign and person."""
    found = Delivery.objects.select_related("campaign", "person").filter(token=token).first()
    if found is None:
        raise NotFound(_("This link is not valid any more."))
    return found


def has_refused(delivery: Delivery) -> bool:
    if delivery.person_id is None:
        return suppression.is_suppressed(delivery.email)
    return Consent.objects.filter(
        person_id=delivery.person_id, channel=Channel.EMAIL, status=ConsentStatus.OPTED_OUT
    ).exists()


@transaction.atomic
def refuse_all(*, token: str, via: str = ONE_CLICK) -> Refusal:
    """The recipient refuses every advertising mail. Repeating it changes nothing (a mail
    program may POST twice); the first refusal's evidence is kept."""
    delivery = delivery_for(token)
    already = has_refused(delivery)
    if not already:
        evidence = _EVIDENCE.get(via, _EVIDENCE[PAGE]).format(campaign=delivery.campaign.name)
        if delivery.person is not None:
            record_consent(
                actor=RECIPIENT,
                person=delivery.person,
                channel=Channel.EMAIL,
                status=ConsentStatus.OPTED_OUT,
                method=ConsentMethod.EMAIL if via == MAILTO else ConsentMethod.FORM,
                evidence=evidence,
            )
        else:
            suppression.suppress(
                delivery.email,
                SuppressionReason.UNSUBSCRIBE,
                delivery_id=delivery.pk,
                note=evidence,
            )
    if not MailEvent.objects.filter(delivery=delivery, kind=MailEventKind.UNSUBSCRIBE).exists():
        MailEvent.objects.create(
            delivery=delivery,
            campaign_id=delivery.campaign_id,
            person_id=delivery.person_id,
            kind=MailEventKind.UNSUBSCRIBE,
            detail={"via": via, "scope": "all"},
        )
    return Refusal(delivery=delivery, already=already)


def topic_choices(delivery: Delivery) -> list[tuple[MailTopic, bool]]:
    """Every topic and whether the person receives it (no choice yet = receives)."""
    topics = list(MailTopic.objects.all())
    refused: set[int] = set()
    if delivery.person_id is not None:
        refused = set(
            TopicPreference.objects.filter(
                person_id=delivery.person_id, subscribed=False
            ).values_list("topic_id", flat=True)
        )
    return [(topic, topic.pk not in refused) for topic in topics]


@transaction.atomic
def choose_topics(*, token: str, subscribed: set[int]) -> Delivery:
    """The recipient keeps the topics in ``subscribed`` and refuses the others (for a
    person in the ledger; an address alone can only refuse everything)."""
    delivery = delivery_for(token)
    if delivery.person_id is None:
        return delivery
    now = timezone.now()
    changed: list[str] = []
    for topic in MailTopic.objects.all():
        wanted = topic.pk in subscribed
        row = TopicPreference.objects.filter(person_id=delivery.person_id, topic=topic).first()
        if row is None:
            if wanted:
                continue  # no row = the topic follows e-mail consent: nothing to record
            TopicPreference.objects.create(
                person_id=delivery.person_id, topic=topic, subscribed=False, changed_at=now
            )
            changed.append(topic.key)
        elif row.subscribed != wanted:
            row.subscribed, row.changed_at = wanted, now
            row.save(update_fields=["subscribed", "changed_at"])
            changed.append(topic.key)
    if changed:
        from daifuku.core import audit

        audit.record(
            actor=RECIPIENT,
            action="topics",
            object_type="customers.person",
            object_id=delivery.person_id,
            changes={"topics": changed, "campaign": delivery.campaign.name},
        )
    return delivery


@transaction.atomic
def receive_again(*, token: str) -> Delivery:
    """The recipient, having refused, asks for advertising mail again on the preference
    page: a new opt-in with that page as its evidence. An address on the suppression list
    (a bounce, a complaint) stays there — only an administrator takes it off."""
    delivery = delivery_for(token)
    if delivery.person is not None and has_refused(delivery):
        record_consent(
            actor=RECIPIENT,
            person=delivery.person,
            channel=Channel.EMAIL,
            status=ConsentStatus.OPTED_IN,
            method=ConsentMethod.FORM,
            evidence=f"配信設定ページで受信を再開 {delivery.campaign.name}",
        )
    return delivery


def refuse_by_subject(subject: str) -> Refusal | None:
    """A refusal mail arrived at the unsubscribe address (the ``mailto:`` of
    List-Unsubscribe): refuse for the delivery its subject names. ``None`` when the subject
    names none or a forged one (a person then reads the mail and refuses by hand)."""
    from ..unsubscribe import token_from_subject

    token = token_from_subject(subject)
    if token is None or not Delivery.objects.filter(token=token).exists():
        return None
    return refuse_all(token=token, via=MAILTO)
