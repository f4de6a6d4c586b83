"""Deleting events older than the retention period (Settings → Web behaviour)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ..models import Event
from .settings import current


def delete_expired_events(now=None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=current(fresh=True).retention_days)
    return Event.objects.filter(occurred_at__lt=cutoff).delete()[0]
