"""Campaigns as a user sees them: the list, one campaign, who it would reach before it is
sent, and how it went after (statistics read from the delivery rows and the mail events
the tracking, bounce and unsubscribe parts write)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from daifuku.accounts.permissions import VIEW, restrict

from ..mailing.hooks import Problem, preflight_problems
from ..models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    MailEvent,
    MailEventKind,
    MailTemplate,
    MailTopic,
    Persona,
)
from .audience import Audience, resolve

SENT = (DeliveryStatus.SENT, DeliveryStatus.BOUNCED)
WAITING = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.DEFERRED)
SKIP_KEYS = ("no_consent", "opted_out", "suppressed", "topic_refused", "no_address", "duplicate")


def campaigns_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(Campaign.objects.all(), user, action)


def list_campaigns(user) -> list[Campaign]:
    """Every campaign, newest first, with its delivery counts (``n_sent``, ``n_waiting``,
    ``n_total``) for the list."""
    return list(
        campaigns_queryset(user)
        .select_related("segment", "owner")
        .annotate(
            n_total=Count("deliveries"),
            n_sent=Count("deliveries", filter=Q(deliveries__status__in=SENT)),
            n_waiting=Count("deliveries", filter=Q(deliveries__status__in=WAITING)),
        )
        .order_by("-created_at", "-id")
    )


def get_campaign(user, pk, action: str = VIEW) -> Campaign:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    found = list(
        campaigns_queryset(user, action)
        .select_related("segment", "owner", "persona", "topic", "template")
        .filter(pk=pk)[:1]
    )
    if not found:
        raise Http404
    return found[0]


def variants_of(campaign: Campaign) -> list:
    return list(campaign.variants.order_by("label"))


def audience_preview(campaign: Campaign) -> Audience:
    """Who the campaign would reach if it were sent now, and who would be left out by
    reason (the send screen shows both before anything is sent)."""
    return resolve(campaign)


def problems(campaign: Campaign) -> list[Problem]:
    """What the pre-send checks find (blocking ones first)."""
    return preflight_problems(campaign)


def _counts(deliveries: QuerySet) -> dict[str, int]:
    human_open = MailEvent.objects.filter(delivery_id=OuterRef("pk"), kind=MailEventKind.OPEN)
    row = deliveries.annotate(opened_event=Exists(human_open)).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status__in=SENT)),
        delivered=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
        bounced=Count("pk", filter=Q(status=DeliveryStatus.BOUNCED)),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
        unknown=Count("pk", filter=Q(status=DeliveryStatus.UNKNOWN)),
        pending=Count("pk", filter=Q(status__in=WAITING)),
        opened=Count("pk", filter=Q(opened_at__isnull=False) | Q(opened_event=True)),
        clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
    )
    return {key: int(value or 0) for key, value in row.items()}


def _event_counts(events: QuerySet) -> dict[str, int]:
    row = events.aggregate(
        unsubscribed=Count("delivery_id", filter=Q(kind=MailEventKind.UNSUBSCRIBE), distinct=True),
        complained=Count("delivery_id", filter=Q(kind=MailEventKind.COMPLAINT), distinct=True),
        machine_opened=Count(
            "delivery_id", filter=Q(kind=MailEventKind.MACHINE_OPEN), distinct=True
        ),
        conversions=Count("pk", filter=Q(kind=MailEventKind.CONVERSION)),
        revenue=Sum("revenue", filter=Q(kind=MailEventKind.CONVERSION)),
    )
    return {key: int(value or 0) for key, value in row.items()}


def _rates(counts: dict) -> dict:
    sent = counts["sent"]
    return {
        "open_rate": round(counts["opened"] / sent, 4) if sent else 0.0,
        "click_rate": round(counts["clicked"] / sent, 4) if sent else 0.0,
    }


def campaign_stats(campaign: Campaign) -> dict:
    """How the campaign went: deliveries by state (``sent`` = handed to the receiving
    server, ``delivered`` = sent and not bounced, ``pending`` = waiting, being sent or
    retrying, ``unknown`` = a worker stopped mid-send: reported, never resent), opens and
    clicks (people, not events; opens by mail proxies apart), unsubscribes, complaints,
    conversions and their revenue, who was left out and why (``skipped_*``), and the
    same figures per A/B variant."""
    deliveries = Delivery.objects.filter(campaign_id=campaign.pk)
    events = MailEvent.objects.filter(campaign_id=campaign.pk)
    stats: dict = {**_counts(deliveries), **_event_counts(events)}
    stats.update(_rates(stats))
    skipped = campaign.skipped or {}
    for key in SKIP_KEYS:
        stats[f"skipped_{key}"] = int(skipped.get(key, 0))
    stats["status"] = campaign.status
    stats["variants"] = []
    for variant in variants_of(campaign):
        part = {
            **_counts(deliveries.filter(variant_id=variant.pk)),
            **_event_counts(events.filter(delivery__variant_id=variant.pk)),
        }
        part.update(_rates(part))
        stats["variants"].append(
            {
                "label": variant.label,
                "subject": variant.subject,
                "is_winner": variant.is_winner,
                **part,
            }
        )
    return stats


def template_choices() -> list[tuple[int, str]]:
    return list(MailTemplate.objects.order_by("name").values_list("pk", "name"))


def persona_choices() -> list[tuple[int, str]]:
    return list(Persona.objects.order_by("sort_order", "id").values_list("pk", "name"))


def topic_choices() -> list[tuple[int, str]]:
    return list(MailTopic.objects.order_by("sort_order", "id").values_list("pk", "name"))


def template_for_form(pk) -> MailTemplate | None:
    """The template a campaign form copies from (its subject and bodies)."""
    try:
        return MailTemplate.objects.get(pk=int(pk))
    except (TypeError, ValueError, MailTemplate.DoesNotExist):
        return None


def is_open(campaign: Campaign) -> bool:
    """Still being written or waiting for its time: may be edited, sent or cancelled."""
    return campaign.status in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)
