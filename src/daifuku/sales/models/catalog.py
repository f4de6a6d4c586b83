"""How selling proceeds: pipelines with their ordered stages, and the few
organisation-wide sales settings. What is sold (products with a tax category) is the
catalog of commerce, shared with orders (docs/adr/0008-product-catalog-in-commerce.md);
it is re-exported here so sales code reads ``from .models import Product``."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from daifuku.commerce.models import TAX_RATES, Product, TaxCategory


class SalesSettings(models.Model):
    """Organisation-wide sales settings (one row, id=1): when the fiscal year starts
    (April is common in Japan: 4月始まり) and after how many days without a touch an open
    deal counts as stalled."""

    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=4
    )
    stall_days = models.PositiveSmallIntegerField(
        _("days without a touch before a deal is stalled"), default=14
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sales settings")
        verbose_name_plural = _("sales settings")

    def __str__(self) -> str:
        return f"FY start {self.fiscal_year_start_month}, stall {self.stall_days}d"

    @classmethod
    def current(cls) -> SalesSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class Pipeline(models.Model):
    """A sales process with its own stages, e.g. new business (新規) or renewal (更新)."""

    name = models.CharField(pgettext_lazy("sales", "name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")

    def __str__(self) -> str:
        return self.name


class StageKind(models.TextChoices):
    """Open stages are worked on; a move to a won or lost stage closes the deal."""

    OPEN = "open", pgettext_lazy("stage kind", "Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class Stage(models.Model):
    """One step of a pipeline (e.g. 初回訪問 → 提案 → 見積 → 交渉 → 受注). ``probability`` is
    the default chance (%) a deal in this stage closes; ``rotting_days`` flags deals that
    stay longer than that in the stage."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(pgettext_lazy("sales", "name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=0)
    kind = models.CharField(
        _("kind"), max_length=4, choices=StageKind.choices, default=StageKind.OPEN
    )
    rotting_days = models.PositiveIntegerField(_("rotting limit (days)"), null=True, blank=True)

    class Meta:
        ordering = ["pipeline_id", "position", "id"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.kind == StageKind.OPEN


class LostReason(models.Model):
    """Why deals are lost (価格, 競合に敗退, 予算なし …): a short list the organisation
    keeps, so a lost deal names one and the funnel can count them. A reason in use is
    deactivated rather than deleted."""

    name = models.CharField(pgettext_lazy("sales", "name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")

    def __str__(self) -> str:
        return self.name


__all__ = [
    "TAX_RATES",
    "LostReason",
    "Pipeline",
    "Product",
    "SalesSettings",
    "Stage",
    "StageKind",
    "TaxCategory",
]
