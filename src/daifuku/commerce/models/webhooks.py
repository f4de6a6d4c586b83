"""Inbound order webhooks: an EC site (our own signed JSON, or Shopify's ``orders/create``)
posts each new order to its own address, signed with a secret only the site and we know.

A :class:`WebhookSource` is one such sender. Its secret signs the body (HMAC-SHA256); it is
shown to the administrator once, when created or rotated, and kept only for checking
signatures. A :class:`WebhookDelivery` remembers each accepted signature / Shopify webhook
id for a while, so a captured request cannot be replayed and Shopify's retries of the same
delivery record nothing twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WebhookKind(models.TextChoices):
    DAIFUKU = "daifuku", _("Daifuku JSON (same shape as POST /api/v1/orders)")
    SHOPIFY = "shopify", _("Shopify orders/create")


class WebhookSource(models.Model):
    """An EC site allowed to send orders. Orders it sends are recorded with ``source`` =
    ``slug`` (order numbers are unique per source) by ``acts_as`` (who the audit trail
    names), in ``channel``; a buyer the ledger does not know is added when
    ``create_missing_customers`` is on."""

    name = models.CharField(pgettext_lazy("webhook", "name"), max_length=100)
    slug = models.SlugField(_("address key"), max_length=40, unique=True)
    kind = models.CharField(_("format"), max_length=10, choices=WebhookKind.choices)
    # HMAC needs the key itself: a hash would not do. Never shown again after creation.
    secret = models.CharField(max_length=200, editable=False)
    shop_domain = models.CharField(_("shop domain"), max_length=200, blank=True)
    channel = models.ForeignKey(
        "commerce.Channel",
        verbose_name=_("sales channel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acts_as = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded as"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    create_missing_customers = models.BooleanField(_("add unknown buyers"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_received_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("order webhook")
        verbose_name_plural = _("order webhooks")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One accepted request: ``key`` is its signature (our format) or Shopify's
    ``X-Shopify-Webhook-Id``. Kept a day (longer than the replay window), then deleted."""

    source = models.ForeignKey(WebhookSource, on_delete=models.CASCADE, related_name="deliveries")
    key = models.CharField(max_length=128)
    received_at = models.DateTimeField(default=timezone.now)
    order = models.ForeignKey(
        "commerce.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="webhook_delivery_once")
        ]
        indexes = [models.Index(fields=["received_at"], name="webhook_delivery_age_idx")]

    def __str__(self) -> str:
        return self.key
