"""Targets (予算・目標) per rep or team and period, and saved deal list views."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TargetMetric(models.TextChoices):
    REVENUE = "revenue", _("Revenue (yen)")
    DEALS_WON = "deals_won", _("Deals won")
    NEW_CUSTOMERS = "new_customers", _("New customers")


class Target(models.Model):
    """What a rep or a team should achieve in a period (a month, a fiscal quarter or a
    fiscal year, given by its first and last day): revenue in yen, deals won, or new
    customers won. Exactly one of ``user`` and ``team`` is set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sales_targets",
        verbose_name=_("rep"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sales_targets",
        verbose_name=_("team"),
    )
    metric = models.CharField(_("metric"), max_length=16, choices=TargetMetric.choices)
    period = models.CharField(_("period"), max_length=10)  # 2026-04, 2026-Q1 (fiscal), FY2026
    starts_on = models.DateField()
    ends_on = models.DateField()
    value = models.BigIntegerField(_("target"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, team__isnull=True)
                | Q(user__isnull=True, team__isnull=False),
                name="target_user_xor_team",
            ),
            models.UniqueConstraint(
                fields=["user", "metric", "period"],
                name="target_user_unique",
                condition=Q(user__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["team", "metric", "period"],
                name="target_team_unique",
                condition=Q(team__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.period} {self.value}"


class SavedView(models.Model):
    """A named filter of the deal list that a user keeps (e.g. 「今月クロージング予定」)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_deal_views"
    )
    name = models.CharField(pgettext_lazy("sales", "name"), max_length=100)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedview_user_name")]

    def __str__(self) -> str:
        return self.name
