"""What the snippet sends and where it lands.

``/behaviour/collect`` writes each request's batch as one :class:`InboxBatch` row (one
insert, durable at once); the flusher moves inbox rows into :class:`Event` rows with a bulk
insert and deletes them in the same transaction, so a restart loses nothing (the inbox is
flushed by the next request or the scheduled job) and nothing is counted twice (each event
carries the id the browser gave it, unique)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    PAGE_VIEW = "page_view", _("Page view")
    PRODUCT_VIEW = "product_view", _("Product view")
    CART = "cart", _("Added to cart")
    SEARCH = "search", _("Search")


class BehaviourSettings(models.Model):
    """The organisation's one set of rules for the snippet (always row 1)."""

    require_consent = models.BooleanField(
        _("send nothing until the site signals consent"), default=True
    )
    allowed_origins = models.TextField(
        _("sites allowed to send (one origin a line, e.g. https://shop.example.jp)"), blank=True
    )
    retention_days = models.PositiveIntegerField(_("keep events for (days)"), default=395)
    identify_secret = models.CharField(max_length=100, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("web behaviour settings")
        verbose_name_plural = _("web behaviour settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def origins(self) -> set[str]:
        return {
            line.strip().rstrip("/").lower()
            for line in self.allowed_origins.splitlines()
            if line.strip()
        }


class InboxBatch(models.Model):
    """One accepted request, waiting to be moved into :class:`Event` rows."""

    received_at = models.DateTimeField(default=timezone.now)
    visitor_id = models.CharField(max_length=64)
    events = models.JSONField()
    size = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.visitor_id} ×{self.size}"


class Event(models.Model):
    """One thing an anonymous visitor did on the site; ``person`` once the visitor is
    known (an explicit identify call, never guessed)."""

    event_id = models.CharField(max_length=64, unique=True)
    visitor_id = models.CharField(max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    received_at = models.DateTimeField(default=timezone.now)
    url = models.CharField(_("page"), max_length=500, blank=True)
    referrer = models.CharField(max_length=500, blank=True)
    sku = models.CharField(_("product code"), max_length=64, blank=True)
    query = models.CharField(_("search words"), max_length=200, blank=True)
    quantity = models.IntegerField(null=True, blank=True)
    value = models.BigIntegerField(null=True, blank=True)
    person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("web event")
        verbose_name_plural = _("web events")
        indexes = [
            models.Index(fields=["occurred_at"], name="behaviour_event_age_idx"),
            models.Index(fields=["visitor_id", "occurred_at"], name="behaviour_event_visitor_idx"),
            models.Index(fields=["person", "occurred_at"], name="behaviour_event_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.url or self.sku or self.query}"


class VisitorLink(models.Model):
    """A visitor id known to be this customer, and how we learnt it (log-in, a form, a
    click in one of our mails) — only ever from a token the site or Daifuku signed."""

    visitor_id = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey("customers.Person", on_delete=models.CASCADE, related_name="+")
    via = models.CharField(max_length=10)
    linked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.visitor_id} → {self.person_id}"
