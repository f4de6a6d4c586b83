"""Campaigns as a user sees them: the list, one campaign, who it would reach before it is
sent, and how it went after (statistics read from the delivery rows and the mail events
the tracking, bounce and unsubscribe parts write)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from daifuku.accounts.permissions import VIEW, restrict

from ..mailing.hooks import Problem, preflight_problems
from ..models import (
    Campaign,
    CampaignStatus,
    DeliveryStatus,
    MailTemplate,
    MailTopic,
    Persona,
)
from . import mail_stats
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


def _flat(counts: dict) -> dict:
    """Tracking's figures with the two rates the campaign screens and API show on top
    (0 rather than None when nothing was delivered yet)."""
    flat = {key: value for key, value in counts.items() if key != "rates"}
    flat["open_rate"] = counts["rates"]["open_rate"] or 0.0
    flat["click_rate"] = counts["rates"]["click_rate"] or 0.0
    flat["rates"] = counts["rates"]
    return flat


def campaign_stats(campaign: Campaign) -> dict:
    """How the campaign went — tracking's figures (:mod:`.mail_stats`: deliveries by state,
    ``unknown`` = a worker stopped mid-send, reported and never resent; opens and clicks by
    people, proxies' opens apart; unsubscribes, complaints, conversions and revenue) — with
    who was left out and why (``skipped_*``) and the same figures per A/B variant."""
    stats = _flat(mail_stats.campaign_counts(campaign.pk))
    skipped = campaign.skipped or {}
    for key in SKIP_KEYS:
        stats[f"skipped_{key}"] = int(skipped.get(key, 0))
    stats["status"] = campaign.status
    by_label = mail_stats.variant_counts(campaign.pk)
    stats["variants"] = [
        {
            "label": variant.label,
            "subject": variant.subject,
            "is_winner": variant.is_winner,
            **_flat(by_label.get(variant.label) or mail_stats.empty_counts()),
        }
        for variant in variants_of(campaign)
    ]
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


def persona_for_form(pk) -> Persona | None:
    """The sender persona picked on a campaign form; None: chosen by the recipient's age band."""
    try:
        return Persona.objects.filter(pk=int(pk)).first() if pk else None
    except (TypeError, ValueError):
        return None


def is_open(campaign: Campaign) -> bool:
    """Still being written or waiting for its time: may be edited, sent or cancelled."""
    return campaign.status in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)
