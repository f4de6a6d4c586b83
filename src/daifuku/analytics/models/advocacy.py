"""Advocates (推奨者): who introduced whom (紹介), how likely customers say they are to
recommend us (NPS, 0–10), and the organisation's rule for calling a customer an advocate."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Referral(models.Model):
    """``referrer`` introduced ``referred`` to us on ``referred_on`` (紹介): the most
    valuable thing a customer can do besides buying."""

    referrer = models.ForeignKey(
        "customers.Person",
        verbose_name=_("introduced by"),
        on_delete=models.CASCADE,
        related_name="referrals_made",
    )
    referred = models.ForeignKey(
        "customers.Person",
        verbose_name=_("introduced customer"),
        on_delete=models.CASCADE,
        related_name="referrals_received",
    )
    referred_on = models.DateField(_("introduced on"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["referrer", "-referred_on"], name="referral_referrer_idx"),
            models.Index(fields=["referred"], name="referral_referred_idx"),
        ]

    def __str__(self) -> str:
        # read in the history (audit) as 「山田 花子 → 佐藤 太郎」
        return f"{self.referrer.full_name} → {self.referred.full_name}"


class NpsAnswer(models.Model):
    """One answer to 「この店（会社）を友人や同僚に薦める可能性は 0〜10 でどのくらいですか」:
    9–10 promoters, 7–8 passives, 0–6 detractors. ``source`` says where it was asked
    (a survey mail, the shop's till, a call …)."""

    person = models.ForeignKey(
        "customers.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="nps_answers",
    )
    score = models.PositiveSmallIntegerField(_("score (0–10)"))
    answered_on = models.DateField(_("answered on"), default=timezone.localdate)
    source = models.CharField(pgettext_lazy("nps answer", "source"), max_length=50, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-answered_on", "-id"]
        verbose_name = _("NPS answer")
        verbose_name_plural = _("NPS answers")
        indexes = [models.Index(fields=["person", "-answered_on"], name="nps_person_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=10), name="nps_score_0_10")
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name}: {self.score}"


class AdvocateRules(models.Model):
    """The organisation's one rule for the advocate list (managers set it): a customer is an
    advocate when their latest NPS answer (within ``nps_within_days``) is at least
    ``min_nps`` and/or they introduced at least ``min_referrals`` customers —
    ``require_both`` decides "and" or "or". A minimum rank joins when ranks exist."""

    min_nps = models.PositiveSmallIntegerField(_("minimum NPS score"), default=9)
    nps_within_days = models.PositiveIntegerField(_("NPS answers of the last (days)"), default=365)
    min_referrals = models.PositiveIntegerField(_("minimum referrals"), default=1)
    require_both = models.BooleanField(_("require both"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("advocate rules")
        verbose_name_plural = _("advocate rules")

    def __str__(self) -> str:
        return f"NPS ≥ {self.min_nps}, referrals ≥ {self.min_referrals}"
