"""How long the evidence of a person's consent to advertising mail must be kept, and the
guard that refuses to delete it sooner.

特定電子メール法 第3条第2項 makes the sender keep the record that the recipient asked for
or agreed to the mail; 施行規則 第4条 sets the period: until one month has passed since the
day the sender stopped sending them advertising mail on that consent — one year when the
sender received a 措置命令 (法第7条) about such records (docs/mail-law.md cites it).
While someone is opted in and being mailed, the period has not even started.

The ledger keeps consent in ``customers.Consent`` (the current decision with its method
and evidence) and every earlier decision in the audit trail. Nothing in Daifuku deletes
either today except a 名寄せ, which keeps the removed row in its journal; the guard stops
any other deletion (a future purge of the trash, a shell, a script) while the record is
still required.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core.errors import DomainError

from ..models import Delivery, MailSettings


class EvidenceRetained(DomainError):
    code = "consent_evidence_retained"
    status = 409


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    import calendar

    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def retention_months() -> int:
    """1 month; 12 after a 措置命令 (MailSettings.under_order)."""
    row = MailSettings.objects.filter(pk=MailSettings.SINGLETON_PK).first()
    return 12 if row is not None and row.under_order else 1


def last_advertising_mail(person_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """When each person was last sent (or handed to the SMTP server) an advertising mail."""
    rows = (
        Delivery.objects.filter(person_id__in=list(person_ids), campaign__is_advertising=True)
        .exclude(sent_at=None, claimed_at=None)
        .values("person_id")
        .annotate(last=Max(Coalesce("sent_at", "claimed_at")))
    )
    return {row["person_id"]: row["last"] for row in rows}


def required_until(person_id: int, *, opted_in: bool) -> dt.datetime | None:
    """Until when the person's consent evidence must be kept: ``datetime.max`` (aware) while
    they are opted in and mailed, the end of the period after the last mail, or ``None``
    when no advertising mail was ever sent on it."""
    last = last_advertising_mail([person_id]).get(person_id)
    if last is None:
        return None
    if opted_in:
        return dt.datetime.max.replace(tzinfo=dt.UTC)
    return add_months(last, retention_months())


def guard_consent_delete(sender, instance, **kwargs) -> None:
    """``pre_delete`` of ``customers.Consent`` (a person's hard deletion cascades here too):
    refuse while the record is required, unless a 名寄せ journal holds the row."""
    from daifuku.customers.models import MergeJournalEntry

    if MergeJournalEntry.objects.filter(
        model="customers.consent", row_id=instance.pk, action="deleted"
    ).exists():
        return
    until = required_until(instance.person_id, opted_in=instance.status == "opted_in")
    if until is not None and timezone.now() < until:
        raise EvidenceRetained(
            _(
                "The consent record of this person must be kept (特定電子メール法 施行規則第4条: "
                "until one month after the last advertising mail, one year under a 措置命令)."
            )
        )
