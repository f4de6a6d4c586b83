"""The order webhooks an administrator manages (nobody else sees them)."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import WebhookSource


def webhook_sources(user) -> QuerySet:
    if not getattr(user, "is_admin", False):
        return WebhookSource.objects.none()
    return WebhookSource.objects.select_related("channel", "acts_as").order_by("name", "id")
