"""The tracking inbox: opens and clicks as they arrive, before they become mail events.

A recipient's mail program fetching the open pixel, or a recipient clicking a link, writes
**one** narrow row here (committed before the answer, so nothing answered is lost); a flush
moves the rows into :class:`~daifuku.marketing.models.MailEvent` and the deliveries'
``opened_at`` / ``clicked_at`` in batches (``marketing.services.tracking.flush``), which is
what lets the redirect answer a thousand clicks a second.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HitKind(models.TextChoices):
    OPEN = "o", _("Open pixel fetched")
    CLICK = "c", _("Link clicked")


class TrackingHit(models.Model):
    """One fetch of a delivery's open pixel or one click on one of its links, waiting to be
    moved into mail events. ``token`` is the delivery's (unknown tokens are dropped at the
    flush); ``url`` is the link's address, already checked against its signature."""

    kind = models.CharField(max_length=1, choices=HitKind.choices)
    token = models.CharField(max_length=32)
    url = models.CharField(max_length=2000, blank=True)
    at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.CharField(max_length=45, blank=True)

    class Meta:
        verbose_name = _("tracking hit")
        verbose_name_plural = _("tracking hits")

    def __str__(self) -> str:
        return f"{self.kind}: {self.token}"
