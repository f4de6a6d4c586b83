"""Predictive customer lifetime value (予測LTV) as fitted from the orders.

A :class:`CLVFit` is one maximum-likelihood fit of BG/NBD (how often customers buy and
when they quietly leave) and Gamma-Gamma (what their orders are worth) on every order
up to ``calibration_end``; :class:`CustomerPrediction` keeps, per customer, what that fit
predicts: the value of the next 12 months and the probability the customer is still
with us. Only the newest fit keeps its predictions; older fits keep their parameters so
the history of the business's parameters stays readable (docs/analytics.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CLVFit(models.Model):
    """One fit: its calibration end (orders after it are not used), the time unit of
    the parameters (``week``: days ÷ 7, as in the paper), the parameters
    (``{"bgnbd": {r, alpha, a, b}, "gamma_gamma": {p, q, gamma}}``) and how many customers
    and repeat buyers it was fitted on."""

    calibration_end = models.DateField(_("calibration end"))
    period = models.CharField(_("time unit"), max_length=8, default="week")
    params = models.JSONField(_("parameters"), default=dict)
    customers = models.PositiveIntegerField(_("customers"), default=0)
    repeat_buyers = models.PositiveIntegerField(_("repeat buyers"), default=0)
    job = models.ForeignKey(
        "core.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("finished at"), default=timezone.now)

    class Meta:
        ordering = ["-finished_at", "-id"]
        verbose_name = _("CLV fit")
        verbose_name_plural = _("CLV fits")
        indexes = [models.Index(fields=["calibration_end", "period"], name="clvfit_end_idx")]

    def __str__(self) -> str:
        return f"CLV {self.calibration_end} ({self.period})"


class CustomerPrediction(models.Model):
    """What the newest fit predicts for one customer (a person or a company): the
    discounted value of their purchases in the next 12 months (in the currency of their
    orders: each currency with enough orders has its own fit) and the probability they are
    still a customer (0–1)."""

    fit = models.ForeignKey(CLVFit, on_delete=models.CASCADE, related_name="predictions")
    person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(
        "customers.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    predicted_clv = models.FloatField(_("predicted CLV (12 months)"))
    expected_purchases = models.FloatField(_("expected purchases (12 months)"))
    p_alive = models.FloatField(_("probability alive"))
    # ISO 4217: the fit's currency, the customer's main one; ``predicted_clv`` is in its
    # minor unit (yen, cents)
    currency = models.CharField(_("currency"), max_length=3, default="JPY")

    class Meta:
        verbose_name = _("customer prediction")
        verbose_name_plural = _("customer predictions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(company__isnull=False),
                name="prediction_has_customer",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "fit"], name="prediction_person_idx"),
            models.Index(fields=["company", "fit"], name="prediction_company_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id or self.company_id}: {self.predicted_clv:.0f}"
