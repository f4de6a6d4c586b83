"""KPIs (重要業績評価指標): a metric of the catalogue (``core.metrics``), the period it is
judged over, a target per period and the person answerable for it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PeriodType(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter (fiscal year from April)")
    FISCAL_YEAR = "fiscal_year", _("Fiscal year (April to March)")


class Kpi(models.Model):
    """One thing the business steers by, e.g. 「月次売上」 judged each month against its
    target, answered for by its owner. ``owner_only``: count only the owner's customers,
    touches or deals (a rep's own KPI) rather than the whole organisation's."""

    name = models.CharField(pgettext_lazy("kpi", "name"), max_length=100)
    metric = models.CharField(_("metric"), max_length=80)
    period_type = models.CharField(
        _("period"), max_length=12, choices=PeriodType.choices, default=PeriodType.MONTH
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_only = models.BooleanField(_("count only the owner's figures"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self) -> str:
        return self.name


class KpiTarget(models.Model):
    """The target of a KPI for one period (``period_start`` = its first day). Rates are
    stored as shares (0.25 = 25 %), money in yen."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    period_start = models.DateField(_("period start"))
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["period_start"]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period_start"], name="kpi_target_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.period_start}"
