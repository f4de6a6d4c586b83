"""A campaign's results, per campaign and per A/B variant, in two grouped queries (one over
the deliveries, one over the mail events) whatever the number of recipients.

What each figure means (docs/mail-tracking.md):

* ``sent`` — handed to the receiving server (status sent, or bounced afterwards);
  ``delivered`` = sent − bounced; ``failed`` — refused at once (5xx), never sent;
  ``unknown`` — a worker stopped mid-send (reported, never resent); ``pending`` — not
  sent yet (waiting, being sent, retrying);
* ``opened`` — deliveries a person opened (a click counts as an open); ``machine_opened``
  — deliveries whose pixel a privacy proxy or scanner fetched (counted apart, whether or
  not a person opened them too); ``clicked`` — deliveries with a click;
* ``unsubscribed``, ``complained`` — deliveries with that event;
* ``conversions`` / ``revenue`` — orders attributed to the campaign (services.conversions)
  and their total in yen; ``second_purchase_conversions`` — of them, the second purchase
  of someone who was a first-time buyer when the mail was sent.

``rates`` divides by ``delivered`` (open, click, conversion, unsubscribe, complaint), by
``opened`` (click-to-open) and by ``sent`` (bounce); None when the divisor is 0.

The caller (the campaigns' screen and ``GET /api/v1/campaigns/{id}/stats``) checks that
the reader may see the campaign; these figures name no customer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from ..models import Delivery, DeliveryStatus, MailEvent, MailEventKind

DELIVERY_COUNTS = {
    "sent": Count("id", filter=Q(status__in=[DeliveryStatus.SENT, DeliveryStatus.BOUNCED])),
    "bounced": Count("id", filter=Q(status=DeliveryStatus.BOUNCED)),
    "failed": Count("id", filter=Q(status=DeliveryStatus.FAILED)),
    "unknown": Count("id", filter=Q(status=DeliveryStatus.UNKNOWN)),
    "pending": Count(
        "id",
        filter=Q(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.DEFERRED]
        ),
    ),
    "opened": Count("id", filter=Q(opened_at__isnull=False)),
    "clicked": Count("id", filter=Q(clicked_at__isnull=False)),
}
CONVERSION = Q(kind=MailEventKind.CONVERSION)
EVENT_COUNTS = {
    "machine_opened": Count(
        "delivery_id", filter=Q(kind=MailEventKind.MACHINE_OPEN), distinct=True
    ),
    "unsubscribed": Count("delivery_id", filter=Q(kind=MailEventKind.UNSUBSCRIBE), distinct=True),
    "complained": Count("delivery_id", filter=Q(kind=MailEventKind.COMPLAINT), distinct=True),
    "conversions": Count("id", filter=CONVERSION),
    "revenue": Sum("revenue", filter=CONVERSION),
    "second_purchase_conversions": Count("id", filter=CONVERSION & Q(detail__second_purchase=True)),
}
FIGURES = (
    "sent",
    "delivered",
    "bounced",
    "failed",
    "unknown",
    "pending",
    "opened",
    "machine_opened",
    "clicked",
    "unsubscribed",
    "complained",
    "conversions",
    "revenue",
    "second_purchase_conversions",
)
TRACKED_EVENTS = [
    MailEventKind.MACHINE_OPEN,
    MailEventKind.UNSUBSCRIBE,
    MailEventKind.COMPLAINT,
    MailEventKind.CONVERSION,
]


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def rates(counts: dict[str, Any]) -> dict[str, float | None]:
    """The rates of a campaign's (or variant's) counts."""
    delivered, opened = counts["delivered"], counts["opened"]
    return {
        "open_rate": _ratio(opened, delivered),
        "click_rate": _ratio(counts["clicked"], delivered),
        "click_to_open_rate": _ratio(counts["clicked"], opened),
        "conversion_rate": _ratio(counts["conversions"], delivered),
        "unsubscribe_rate": _ratio(counts["unsubscribed"], delivered),
        "complaint_rate": _ratio(counts["complained"], delivered),
        "bounce_rate": _ratio(counts["bounced"], counts["sent"]),
    }


def _finish(deliveries: Any, events: Any) -> dict[str, Any]:
    found: dict[str, Any] = {key: 0 for key in FIGURES}
    for row in (deliveries or {}), (events or {}):
        for key, value in row.items():
            if key in found:
                found[key] = int(value or 0)
    found["delivered"] = found["sent"] - found["bounced"]
    found["rates"] = rates(found)
    return found


def empty_counts() -> dict[str, Any]:
    """The figures of a campaign or variant nothing was sent for yet (all 0)."""
    return _finish(None, None)


def campaign_counts(campaign_id: int) -> dict[str, Any]:
    """Every figure of one campaign (see the module's docstring), with ``rates``."""
    deliveries = Delivery.objects.filter(campaign_id=campaign_id).aggregate(**DELIVERY_COUNTS)
    events = MailEvent.objects.filter(campaign_id=campaign_id, kind__in=TRACKED_EVENTS).aggregate(
        **EVENT_COUNTS
    )
    return _finish(deliveries, events)


def variant_counts(campaign_id: int) -> dict[str, dict[str, Any]]:
    """The same figures per A/B variant label (``"A"``, ``"B"`` …); deliveries without a
    variant (a campaign without a test) are under ``""``. Empty for a campaign without
    deliveries."""
    by_delivery: dict[str, Any] = {
        row["variant__label"] or "": row
        for row in Delivery.objects.filter(campaign_id=campaign_id)
        .values("variant__label")
        .annotate(**DELIVERY_COUNTS)
        .order_by()
    }
    by_event: dict[str, Any] = {
        row["delivery__variant__label"] or "": row
        for row in MailEvent.objects.filter(campaign_id=campaign_id, kind__in=TRACKED_EVENTS)
        .values("delivery__variant__label")
        .annotate(**EVENT_COUNTS)
        .order_by()
    }
    return {
        label: _finish(by_delivery.get(label), by_event.get(label))
        for label in sorted(set(by_delivery) | set(by_event), key=lambda v: (v == "", v))
    }
