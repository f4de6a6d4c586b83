"""Reads of the deliverability screens: the bounces and complaints that came back (the
「不達・苦情」 list, for managers and administrators) and what the 送信ドメインの確認 page
shows administrators (the sending domain, DKIM, the complaint rate and the daily volume
that decide whether the bulk-sender rules apply)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..feedback import checks, signing
from ..feedback.verp import bounce_address
from ..models import Delivery, DeliveryStatus, MailEvent, MailEventKind, MailSettings

FEEDBACK_KINDS = (MailEventKind.BOUNCE, MailEventKind.SOFT_BOUNCE, MailEventKind.COMPLAINT)
WINDOW_DAYS = 30


def may_see_feedback(user) -> bool:
    """Those who run mailings: marketers, managers and administrators."""
    if getattr(user, "is_admin", False) or getattr(user, "is_manager", False):
        return True
    return getattr(user, "role", "") == "marketer"


def feedback_events(user, *, kind: str = "", limit: int = 200) -> QuerySet[MailEvent] | None:
    """The latest bounces and complaints (newest first), or None for a reader who may not
    see them (the page is then not found)."""
    if not may_see_feedback(user):
        return None
    kinds = [kind] if kind in FEEDBACK_KINDS else list(FEEDBACK_KINDS)
    return (
        MailEvent.objects.filter(kind__in=kinds)
        .select_related("delivery", "campaign")
        .order_by("-at", "-id")[:limit]
    )


def feedback_counts(user, *, days: int = WINDOW_DAYS) -> dict[str, int] | None:
    """Bounces, temporary bounces and complaints of the last ``days`` days."""
    if not may_see_feedback(user):
        return None
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        MailEvent.objects.filter(kind__in=FEEDBACK_KINDS, at__gte=since)
        .values("kind")
        .annotate(n=Count("id"))
    )
    counts = {str(kind): 0 for kind in FEEDBACK_KINDS}
    counts.update({row["kind"]: row["n"] for row in rows})
    return counts


@dataclass(frozen=True)
class Volume:
    """What was sent in the last 30 days: in all, on the busiest day, and the share of it
    recipients marked as spam."""

    sent: int
    complaints: int
    daily_peak: int

    @property
    def complaint_rate(self) -> float | None:
        return self.complaints / self.sent if self.sent else None

    @property
    def bulk(self) -> bool:
        return self.daily_peak >= checks.BULK_DAILY


def volume(*, days: int = WINDOW_DAYS) -> Volume:
    since = timezone.now() - dt.timedelta(days=days)
    sent = Delivery.objects.filter(
        sent_at__gte=since, status__in=[DeliveryStatus.SENT, DeliveryStatus.BOUNCED]
    )
    per_day = (
        sent.annotate(day=TruncDate("sent_at")).values("day").annotate(n=Count("id")).values("n")
    )
    complaints = MailEvent.objects.filter(kind=MailEventKind.COMPLAINT, at__gte=since).count()
    return Volume(
        sent=sent.count(),
        complaints=complaints,
        daily_peak=max((row["n"] for row in per_day), default=0),
    )


@dataclass(frozen=True)
class Deliverability:
    """Everything the 送信ドメインの確認 page shows."""

    from_email: str
    domain: str
    signing: checks.Signing
    dkim_record_name: str
    dkim_record_value: str
    report: checks.DomainReport | None
    rules: list[checks.Rule]
    volume: Volume
    bounce_address: str
    imap_host: str
    dns_enabled: bool


def deliverability_for(user, *, look_up: bool = False) -> Deliverability | None:
    """The page's content for an administrator (None for anyone else). ``look_up`` asks
    DNS now (the page's 「再確認」); otherwise the answer of the past ten minutes, or none
    when ``DAIFUKU_DNS_PREFLIGHT`` is off (offline installs)."""
    if not getattr(user, "is_admin", False):
        return None
    row = MailSettings.objects.filter(pk=MailSettings.SINGLETON_PK).first()
    from_email = (row.from_email if row else "") or settings.DEFAULT_FROM_EMAIL
    domain = checks.domain_of(from_email)
    sign = checks.signing_of(row)
    value = signing.record_value(row.dkim_private_key) if sign.on and row else ""
    name = signing.record_name(sign.selector, sign.domain) if sign.on else ""
    sent = volume()
    report = None
    if domain and look_up:
        report = checks.check_domain(domain, sign)
    elif domain and checks.enabled():
        report = checks.cached_check(domain, sign)
    rules = (
        checks.bulk_rules(
            report,
            one_click=checks.one_click_unsubscribe_added(),
            complaint_rate=sent.complaint_rate,
        )
        if report is not None
        else []
    )
    return Deliverability(
        from_email=from_email,
        domain=domain,
        signing=sign,
        dkim_record_name=name,
        dkim_record_value=value,
        report=report,
        rules=rules,
        volume=sent,
        bounce_address=bounce_address(),
        imap_host=getattr(settings, "DAIFUKU_BOUNCE_IMAP_HOST", ""),
        dns_enabled=checks.enabled(),
    )
