"""Activity goals, daily reports (日報) and customer ownership history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .touches import TouchKind


class GoalPeriod(models.TextChoices):
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")


class ActivityGoal(models.Model):
    """How many touches (of one kind, or of any kind when ``kind`` is blank) a rep — or by
    default every rep of a team — should make per day, week or month. A rep's own goal wins
    over the team's."""

    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, blank=True, choices=TouchKind.choices)
    period = models.CharField(
        _("period"), max_length=6, choices=GoalPeriod.choices, default=GoalPeriod.WEEK
    )
    target = models.PositiveIntegerField(_("target"))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # One goal per rep (or per team, for the team default) per kind and period. Two
        # partial constraints instead of NULLS NOT DISTINCT, which SQLite does not support.
        constraints = [
            models.UniqueConstraint(
                fields=["rep", "kind", "period"],
                name="goal_unique_rep",
                condition=models.Q(rep__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["team", "kind", "period"],
                name="goal_unique_team",
                condition=models.Q(rep__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind or '*'} {self.target}/{self.period}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Sent back")
    APPROVED = "approved", _("Approved")


class DailyReport(models.Model):
    """A rep's report of one working day (日報): the day's touches plus the rep's own
    reflection, submitted to the manager who reads, comments and approves."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_reports"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    day = models.DateField(_("day"))
    reflection = models.TextField(_("reflection and plan"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # What the manager approved, frozen: the reflection and the day's touches as they read
    # then (touches logged or edited later do not change an approved report).
    approved_content = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["rep", "day"], name="daily_report_unique")]
        indexes = [models.Index(fields=["team", "status", "day"], name="daily_report_team_idx")]

    def __str__(self) -> str:
        return f"{self.rep} {self.day}"


class DailyReportComment(models.Model):
    """A manager's (or the rep's) comment on a daily report; the other side is notified."""

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class OwnershipPeriod(models.Model):
    """Who owned a customer when (担当履歴), written by the handover service so the history
    shows every rep who looked after the customer and the note they handed over with."""

    person = models.ForeignKey(
        "customers.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ownership_periods",
    )
    company = models.ForeignKey(
        "customers.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ownership_periods",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["person", "started_at"], name="ownership_person_idx"),
            models.Index(fields=["company", "started_at"], name="ownership_company_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.started_at:%Y-%m-%d}"
