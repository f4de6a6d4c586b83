"""Bounces and complaints recorded against their delivery (the write path of
``marketing.feedback``).

* a **hard bounce** (the address does not exist, 5.x.x): the delivery becomes ``bounced``,
  a ``bounce`` event is written and the address goes on the suppression list at once;
* a **soft bounce** (a full mailbox, a server down, 4.x.x): a ``soft_bounce`` event only —
  after :data:`SOFT_LIMIT` of them for one address within :data:`SOFT_WINDOW_DAYS` days the
  address is suppressed as a bounce too (it has been failing for a month);
* a **complaint** (the recipient pressed 「迷惑メール」 and the provider forwarded it by its
  feedback loop): a ``complaint`` event, the address suppressed, and the person's e-mail
  consent recorded as opted out with the report as evidence (特定電子メール法: no more
  advertising mail to them).

Each report is recorded once: a second copy (a mailbox polled twice, a retry over SMTP) is
recognised by the report's own id, and a delivery has at most one hard bounce and one
complaint."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core import audit
from daifuku.customers.models import Person
from daifuku.customers.models.consent import Channel, ConsentMethod, ConsentStatus
from daifuku.customers.services import record_consent

from ..models import Delivery, DeliveryStatus, MailEvent, MailEventKind, SuppressionReason
from .suppression import suppress

SOFT_LIMIT = 3
SOFT_WINDOW_DAYS = 30
ACTOR = "bounce handler"


@dataclass(frozen=True)
class Recorded:
    """What recording one report did: ``outcome`` is one of ``bounced``, ``soft_bounce``,
    ``complaint``, ``duplicate``; ``suppressed`` says whether the address went on the list
    now."""

    outcome: str
    delivery_id: int
    suppressed: bool = False


def find_delivery(*, tokens: list[str], message_ids: list[str]) -> Delivery | None:
    """The delivery a report names: by token (VERP or ``X-Daifuku-Delivery``, in the order
    given), else by the returned Message-ID (as stored, with or without its angle
    brackets, or of the form ``<token@host>``)."""
    for token in tokens:
        found = Delivery.objects.filter(token=token).first()
        if found is not None:
            return found
    for mid in message_ids:
        bare = mid.strip().strip("<>")
        found = Delivery.objects.filter(message_id__in=[f"<{bare}>", bare]).first()
        if found is not None:
            return found
        local = bare.split("@", 1)[0]
        if local:
            found = Delivery.objects.filter(token=local).first()
            if found is not None:
                return found
    return None


def _seen(delivery: Delivery, kind: str, source_id: str) -> bool:
    events = MailEvent.objects.filter(delivery=delivery, kind=kind)
    if kind in {MailEventKind.BOUNCE, MailEventKind.COMPLAINT}:
        return events.exists()
    return events.filter(detail__source=source_id).exists()


def _event(delivery: Delivery, kind: str, at: dt.datetime, detail: dict) -> MailEvent:
    return MailEvent.objects.create(
        delivery=delivery,
        campaign_id=delivery.campaign_id,
        person_id=delivery.person_id,
        kind=kind,
        at=at,
        detail=detail,
    )


@transaction.atomic
def record_bounce(
    *,
    actor=ACTOR,
    delivery_id: int,
    hard: bool,
    source_id: str,
    status: str = "",
    diagnostic: str = "",
    at: dt.datetime | None = None,
) -> Recorded:
    """Record a bounce of one delivery (see the module's docstring for what it does)."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    at = at or timezone.now()
    kind = MailEventKind.BOUNCE if hard else MailEventKind.SOFT_BOUNCE
    if _seen(delivery, kind, source_id):
        return Recorded("duplicate", delivery.pk)
    detail = {"source": source_id, "status": status, "diagnostic": diagnostic[:500]}
    _event(delivery, kind, at, detail)
    if hard:
        before = delivery.status
        delivery.status = DeliveryStatus.BOUNCED
        delivery.response = (f"{status} {diagnostic}".strip() or delivery.response)[:500]
        delivery.save(update_fields=["status", "response"])
        audit.record(
            actor=actor,
            action="bounce",
            obj=delivery,
            changes={"status": [before, DeliveryStatus.BOUNCED]},
            note=status,
        )
        _row, new = suppress(
            delivery.email,
            SuppressionReason.BOUNCE,
            delivery_id=delivery.pk,
            note=f"{status} {diagnostic}".strip(),
        )
        return Recorded("bounced", delivery.pk, suppressed=new)
    since = at - dt.timedelta(days=SOFT_WINDOW_DAYS)
    count = MailEvent.objects.filter(
        kind=MailEventKind.SOFT_BOUNCE, delivery__email=delivery.email, at__gte=since
    ).count()
    suppressed = False
    if count >= SOFT_LIMIT:
        note = _("%(count)s temporary bounces within %(days)s days (last: %(status)s)") % {
            "count": count,
            "days": SOFT_WINDOW_DAYS,
            "status": status or "—",
        }
        _row, suppressed = suppress(
            delivery.email, SuppressionReason.BOUNCE, delivery_id=delivery.pk, note=note
        )
    return Recorded("soft_bounce", delivery.pk, suppressed=suppressed)


@transaction.atomic
def record_complaint(
    *,
    actor=ACTOR,
    delivery_id: int,
    source_id: str,
    feedback_type: str = "abuse",
    user_agent: str = "",
    at: dt.datetime | None = None,
) -> Recorded:
    """Record a spam complaint about one delivery: the event, the suppression and the
    person's e-mail consent set to opted out, the complaint as its evidence."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    at = at or timezone.now()
    if _seen(delivery, MailEventKind.COMPLAINT, source_id):
        return Recorded("duplicate", delivery.pk)
    _event(
        delivery,
        MailEventKind.COMPLAINT,
        at,
        {"source": source_id, "feedback_type": feedback_type, "user_agent": user_agent},
    )
    _row, suppressed = suppress(
        delivery.email,
        SuppressionReason.COMPLAINT,
        delivery_id=delivery.pk,
        note=f"{feedback_type} {user_agent}".strip(),
    )
    person = Person.objects.filter(pk=delivery.person_id).first() if delivery.person_id else None
    if person is not None:
        evidence = _(
            "Spam complaint (%(type)s) from %(agent)s about the mail of campaign %(campaign)s "
            "to %(email)s, received %(at)s; report %(source)s"
        ) % {
            "type": feedback_type or "abuse",
            "agent": user_agent or _("the mailbox provider"),
            "campaign": delivery.campaign_id,
            "email": delivery.email,
            "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
            "source": source_id,
        }
        record_consent(
            actor=actor,
            person=person,
            channel=Channel.EMAIL,
            status=ConsentStatus.OPTED_OUT,
            method=ConsentMethod.OTHER,
            evidence=evidence,
            recorded_at=at,
        )
    return Recorded("complaint", delivery.pk, suppressed=suppressed)
