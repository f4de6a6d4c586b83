"""Quotes (見積書) issued from a deal's line items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .deals import Deal


class QuoteCounter(models.Model):
    """The last quote number issued in a year; locked while a quote is numbered so numbers
    are unique and gap-free per year (Q-2026-0001, Q-2026-0002 …)."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Quote(models.Model):
    """A numbered quote as sent to the customer: the lines and the consumption tax per rate
    are frozen at issue time (適格請求書 style: tax computed once per rate per document,
    fractions of a yen rounded down), and the PDF is stored with the deal."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="quotes")
    number = models.CharField(_("number"), max_length=20, unique=True)
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    customer_name = models.CharField(_("customer"), max_length=300)
    lines = models.JSONField(default=list)
    tax_breakdown = models.JSONField(default=list)
    subtotal = models.BigIntegerField(_("subtotal (yen)"))
    tax = models.BigIntegerField(_("consumption tax (yen)"))
    total = models.BigIntegerField(_("total (yen)"))
    rounding = models.CharField(max_length=10, default="floor")
    notes = models.TextField(_("notes"), blank=True)
    # The issuer as printed when the quote was issued (name, 〒, address, phone, 登録番号):
    # the screen shows what the PDF says even after the organisation profile changes.
    issuer = models.JSONField(default=dict, blank=True, editable=False)
    pdf = models.FileField(upload_to="sales/quotes/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="quote_year_sequence")
        ]

    def __str__(self) -> str:
        return self.number
