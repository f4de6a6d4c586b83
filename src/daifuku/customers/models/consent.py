"""Marketing consent per channel — the basis for 特定電子メール法 compliance later."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    # its own context: django.contrib.auth's "Email" (メールアドレス) would win otherwise
    EMAIL = "email", pgettext_lazy("consent channel", "Email")
    POSTAL = "postal", _("Postal DM")
    PHONE = "phone", _("Phone")
    LINE = "line", _("LINE")


class ConsentStatus(models.TextChoices):
    OPTED_IN = "opted_in", _("Opted in")
    OPTED_OUT = "opted_out", _("Opted out")


class ConsentMethod(models.TextChoices):
    FORM = "form", _("Web form")
    IMPORT = "import", _("Import")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email reply")
    API = "api", _("API")
    OTHER = "other", _("Other")
    # 特定電子メール法 第3条第1項 第2–4号: advertising mail allowed without an opt-in,
    # recorded as opted in with the legal basis as the method (docs/mail-law.md)
    CARD = "card", _("Legal exception: gave their address in writing (business card)")
    RELATION = "relation", _("Legal exception: business relationship")
    PUBLISHED = "published", _("Legal exception: address published for business")


class Consent(models.Model):
    """The current consent of one person for one channel: in or out, since when, how it
    was given and the evidence (e.g. 「店頭申込書 2025-04-01 控えあり」). Every change is in the
    audit trail, which keeps the full history."""

    person = models.ForeignKey(
        "customers.Person", on_delete=models.CASCADE, related_name="consents"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=ConsentStatus.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    method = models.CharField(_("method"), max_length=10, choices=ConsentMethod.choices)
    evidence = models.TextField(_("evidence"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["person", "channel"], name="consent_person_channel")
        ]
        indexes = [
            # who opted in / out of a channel, the person read from the index (segment
            # conditions on consent, the consent gate)
            models.Index(fields=["channel", "status", "person"], name="consent_channel_person_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.get_status_display()}"
