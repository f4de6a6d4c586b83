"""Customer ranks (会員ランク): rules an administrator sets, and the history of changes.

A rank rule says what a customer must have bought to hold it — at least N purchases
and/or at least ¥X, counted over the last M months (or all time). A customer holds the
qualifying rule with the highest priority; ranks are evaluated when an order or a
return lands and nightly, so a rank whose window has passed lapses (decay)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RankRule(models.Model):
    """One rank (e.g. シルバー: 2 purchases or more; ゴールド: ¥100,000 in the last 12
    months). Both conditions, when set, must hold. ``period_months`` 0 counts all
    purchases ever; otherwise those since the same day ``period_months`` months ago."""

    name = models.CharField(pgettext_lazy("rank", "name"), max_length=40, unique=True)
    min_purchases = models.PositiveIntegerField(_("minimum purchases"), default=0)
    min_amount = models.BigIntegerField(_("minimum amount (yen)"), default=0)
    period_months = models.PositiveSmallIntegerField(
        _("counted over (months, 0 = all time)"), default=0
    )
    priority = models.PositiveIntegerField(_("priority"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-priority", "id"]
        verbose_name = _("rank rule")
        verbose_name_plural = _("rank rules")

    def __str__(self) -> str:
        return self.name


class RankChange(models.Model):
    """A customer's rank changed (``from_name``/``to_name`` keep the names as they were,
    so a renamed or deleted rule does not rewrite history; empty = no rank)."""

    class Reason(models.TextChoices):
        ORDER = "order", pgettext_lazy("rank change", "Order")
        RETURN = "return", pgettext_lazy("rank change", "Return")
        NIGHTLY = "nightly", pgettext_lazy("rank change", "Nightly re-evaluation")
        REBUILD = "rebuild", pgettext_lazy("rank change", "Full rebuild")
        RULES = "rules", pgettext_lazy("rank change", "Rank rules changed")

    person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(
        "customers.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    from_rank = models.ForeignKey(
        RankRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_rank = models.ForeignKey(
        RankRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_name = models.CharField(max_length=40, blank=True)
    to_name = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=8, choices=Reason.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("rank change")
        verbose_name_plural = _("rank changes")
        indexes = [
            models.Index(fields=["person", "-changed_at"], name="rankchange_person_idx"),
            models.Index(fields=["company", "-changed_at"], name="rankchange_company_idx"),
            # the dashboards' rank movements read every change of a period
            models.Index(fields=["changed_at"], name="rankchange_changed_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_name or '—'} → {self.to_name or '—'}"
