"""Deals (案件), the people involved, their line items and every stage change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .catalog import LostReason, Pipeline, Product, Stage, TaxCategory

OPEN = Q(status="open")


class DealStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("deal status", "Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class ForecastCategory(models.TextChoices):
    """How confident the rep is (independent of the stage probability)."""

    PIPELINE = "pipeline", _("Pipeline")
    BEST_CASE = "best_case", _("Best case")
    COMMIT = "commit", _("Commit")
    CLOSED = "closed", _("Closed")


class Deal(models.Model):
    """A sales opportunity (案件) with a company and/or a person: what it is worth (integer
    yen), when it should close, how likely, who owns it and where it stands in its
    pipeline. ``status`` mirrors the kind of the current stage so open deals are one index
    range. ``last_touch_at`` is maintained from touches (activities) for stall detection;
    ``stalled_at`` is set once per stall episode and cleared by the next touch or move."""

    title = models.CharField(pgettext_lazy("deal", "title"), max_length=200)
    company = models.ForeignKey(
        "customers.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    person = models.ForeignKey(
        "customers.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="deals"
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals"
    )
    status = models.CharField(
        _("status"), max_length=4, choices=DealStatus.choices, default=DealStatus.OPEN
    )
    amount = models.BigIntegerField(_("amount (yen)"), default=0)
    amount_from_lines = models.BooleanField(_("amount is the sum of the line items"), default=False)
    expected_close = models.DateField(_("expected close date"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=0)
    probability_overridden = models.BooleanField(_("probability set by hand"), default=False)
    forecast_category = models.CharField(
        _("forecast category"),
        max_length=10,
        choices=ForecastCategory.choices,
        default=ForecastCategory.PIPELINE,
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    competitors = models.JSONField(_("competitors"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(_("won/lost reason"), max_length=300, blank=True)
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("lost reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    last_touch_at = models.DateTimeField(_("last touch"), null=True, blank=True)
    stalled_at = models.DateTimeField(_("stalled since"), null=True, blank=True)
    stalled_reason = models.CharField(_("stall reason"), max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [
            # forecast: open deals closing in a period, amounts read from the index itself
            models.Index(
                fields=["status", "expected_close", "amount", "probability", "forecast_category"],
                name="deal_forecast_idx",
            ),
            # board: cards of one stage in close-date order; column totals per pipeline
            models.Index(fields=["stage", "expected_close", "id"], name="deal_stage_card_idx"),
            models.Index(
                fields=["pipeline", "status", "stage", "amount", "probability"],
                name="deal_board_totals_idx",
            ),
            models.Index(fields=["owner", "status", "expected_close"], name="deal_owner_idx"),
            models.Index(fields=["team", "status", "expected_close"], name="deal_team_idx"),
            models.Index(fields=["status", "closed_at", "amount"], name="deal_closed_idx"),
            models.Index(fields=["created_at", "id"], name="deal_created_idx"),
            models.Index(
                fields=["stalled_at"],
                name="deal_stalled_idx",
                condition=Q(stalled_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def weighted_amount(self) -> int:
        return (self.amount * self.probability + 50) // 100

    @property
    def customer(self):
        return self.company or self.person


class DealContact(models.Model):
    """A person involved in the deal (決裁者, 担当者, 影響者 …)."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(
        "customers.Person", on_delete=models.CASCADE, related_name="deal_roles"
    )
    role = models.CharField(_("role"), max_length=100, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("deal contact")
        verbose_name_plural = _("deal contacts")

    def __str__(self) -> str:
        return f"{self.person} ({self.role})" if self.role else str(self.person)


class LineItem(models.Model):
    """One line of the deal (and of its quotes): product or free text, quantity, unit price
    in yen before tax and the tax category of that line."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.BigIntegerField(_("unit price (yen)"))
    tax_category = models.CharField(
        _("tax category"), max_length=10, choices=TaxCategory.choices, default=TaxCategory.STANDARD
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("line item")
        verbose_name_plural = _("line items")

    def __str__(self) -> str:
        return self.name

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price


class StageChange(models.Model):
    """One move of a deal between stages (from is empty when the deal was created):
    who, when, and how long the deal had spent in the stage it left."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="+")
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seconds_in_from = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    lost_reason = models.ForeignKey(
        LostReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(fields=["deal", "changed_at"], name="stagechange_deal_idx"),
            models.Index(fields=["changed_at"], name="stagechange_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} → {self.to_stage_id}"


class StageFlowDaily(models.Model):
    """Snapshot for the funnel: per day (Asia/Tokyo), pipeline and from → to stage, how many
    moves and the total seconds spent in the stage left. Maintained by the move service
    in the same transaction, so a funnel over years reads a few thousand rows instead of
    millions of stage changes. ``from_stage_id`` 0 means "created in ``to_stage``"."""

    day = models.DateField()
    pipeline_id = models.BigIntegerField()
    from_stage_id = models.BigIntegerField()
    to_stage_id = models.BigIntegerField()
    moves = models.BigIntegerField(default=0)
    seconds_total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "pipeline_id", "from_stage_id", "to_stage_id"], name="stageflow_key"
            ),
        ]
        indexes = [models.Index(fields=["pipeline_id", "day"], name="stageflow_pipeline_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.from_stage_id} → {self.to_stage_id} × {self.moves}"
