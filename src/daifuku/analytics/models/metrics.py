"""Per-customer purchase figures, kept as a snapshot (one row per customer) so the
customer list can filter and sort by them and the 360° page reads them in one query.

The snapshot is written by :mod:`daifuku.analytics.services.metrics` only: in the
transaction of every order and return (the customer's row), and by the full rebuild
(every row, nightly and ``daifuku analytics_rebuild``), which gives the same figures."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BuyerType(models.TextChoices):
    NONE = "none", pgettext_lazy("buyer type", "No purchase")
    FIRST = "first", pgettext_lazy("buyer type", "First-time buyer")
    REPEAT = "repeat", pgettext_lazy("buyer type", "Repeat buyer")


class ChurnRisk(models.TextChoices):
    NONE = "", pgettext_lazy("churn risk", "—")
    LOW = "low", pgettext_lazy("churn risk", "Low")
    MEDIUM = "medium", pgettext_lazy("churn risk", "Medium")
    HIGH = "high", pgettext_lazy("churn risk", "High")


class CustomerMetrics(models.Model):
    """What one customer (a person or a company) has bought, net of returns.

    A purchase is an order whose total after returns is above zero (a fully returned or
    cancelled order is no purchase). ``total`` is integer yen, tax included, net of
    returns; ``average_order_value`` is ``total ÷ order_count`` rounded down; ``ltv`` is
    the seed's LTV = average order value × purchase count. ``recency_days`` counts days
    (Japan time) from the last purchase to ``as_of``, the day the row was computed.
    ``rfm_*`` are 1–5 (:mod:`daifuku.analytics.services.metrics` says how), 0 for a
    customer without purchases. ``predicted_clv`` and ``p_alive`` come from the CLV
    model when it has been fitted, else they stay empty."""

    person = models.OneToOneField(
        "customers.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="metrics",
    )
    company = models.OneToOneField(
        "customers.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="metrics",
    )
    as_of = models.DateField(_("computed as of"))
    first_order_at = models.DateTimeField(_("first purchase"), null=True, blank=True)
    last_order_at = models.DateTimeField(_("last purchase"), null=True, blank=True)
    second_order_at = models.DateTimeField(_("second purchase"), null=True, blank=True)
    order_count = models.PositiveIntegerField(_("purchases"), default=0)
    total = models.BigIntegerField(_("total (yen, net of returns)"), default=0)
    average_order_value = models.BigIntegerField(_("average order value (yen)"), default=0)
    ltv = models.BigIntegerField(_("LTV (yen)"), default=0)
    recency_days = models.PositiveIntegerField(_("days since last purchase"), null=True, blank=True)
    days_to_second = models.PositiveIntegerField(
        _("days to second purchase"), null=True, blank=True
    )
    buyer_type = models.CharField(
        _("buyer type"), max_length=8, choices=BuyerType.choices, default=BuyerType.NONE
    )
    churn_risk = models.CharField(
        _("churn risk"), max_length=8, choices=ChurnRisk.choices, default="", blank=True
    )
    rfm_r = models.PositiveSmallIntegerField("R", default=0)
    rfm_f = models.PositiveSmallIntegerField("F", default=0)
    rfm_m = models.PositiveSmallIntegerField("M", default=0)
    rank = models.ForeignKey(
        "analytics.RankRule",
        verbose_name=_("rank"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # written by the CLV predictions (another job); empty until the model has been fitted
    predicted_clv = models.BigIntegerField(
        _("predicted CLV (12 months, yen)"), null=True, blank=True
    )
    p_alive = models.FloatField(_("probability still a customer"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("customer metrics")
        verbose_name_plural = _("customer metrics")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) ^ models.Q(company__isnull=False),
                name="metrics_one_customer",
            ),
        ]
        indexes = [
            # the customer list's sort keys (biggest first)
            models.Index(fields=["-ltv", "person"], name="metrics_ltv_idx"),
            models.Index(fields=["rank", "person"], name="metrics_rank_idx"),
            # marketing's all-time purchase conditions (「購入回数 2回以上」, 「購入金額」,
            # 「最終購入から90日以上」, リピーター): one range of people per condition, the
            # person read from the index (docs/marketing.md, "Speed")
            models.Index(
                fields=["order_count", "person"],
                name="metrics_person_count_idx",
                condition=models.Q(person__isnull=False),
            ),
            models.Index(
                fields=["total", "person"],
                name="metrics_person_total_idx",
                condition=models.Q(person__isnull=False),
            ),
            models.Index(
                fields=["last_order_at", "person"],
                name="metrics_person_last_idx",
                condition=models.Q(person__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"metrics of {'person' if self.person_id else 'company'} {self.person_id or self.company_id}"


class RFMScale(models.Model):
    """How R, F and M become scores 1–5 for people or for companies: four cut points per
    measure. ``quintiles``: the full rebuild sets them from the shop's own buyers (the
    quintile rule of :mod:`daifuku.analytics.maths.rfm`), and every order in between is
    scored against them, so one order never reshuffles everybody else's scores.
    ``thresholds``: an administrator set them and the rebuild keeps them.

    Cut points are ascending; a ``None`` is a score nobody reaches. Recency: 5 up to the
    first day count, 4 up to the second …; frequency and monetary: 2 from the first
    value, …, 5 from the fourth."""

    class Mode(models.TextChoices):
        QUINTILES = "quintiles", _("Quintiles of the buyers (recomputed by the rebuild)")
        THRESHOLDS = "thresholds", _("Thresholds set by an administrator")

    entity = models.CharField(max_length=8, unique=True)  # "person" or "company"
    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.QUINTILES)
    recency_cuts = models.JSONField(default=list, blank=True)
    frequency_cuts = models.JSONField(default=list, blank=True)
    monetary_cuts = models.JSONField(default=list, blank=True)
    buyers = models.PositiveIntegerField(default=0)  # how many buyers the quintiles came from
    calibrated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("RFM scale")
        verbose_name_plural = _("RFM scales")

    def __str__(self) -> str:
        return f"RFM scale ({self.entity})"
