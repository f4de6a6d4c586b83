"""Periodic work of commerce (scheduled in apps.py through core.schedule)."""

from __future__ import annotations


def forget_old_webhook_deliveries() -> int:
    """Remembered webhook signatures / Shopify delivery ids older than a day go."""
    from .services.webhooks import forget_old_deliveries

    return forget_old_deliveries()
