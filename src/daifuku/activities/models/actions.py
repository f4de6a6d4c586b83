"""Next actions ("when, what") and the in-app notifications that remind about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .touches import TouchKind


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class NextAction(models.Model):
    """What happens next with a customer and when (次のアクション): every customer should
    have one. A visit or meeting with a time is a scheduled appointment and shows in the
    assignee's calendar feed. ``reminded_at`` records that the reminder went out, so the
    worker sends it once."""

    title = models.CharField(_("what"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    kind = models.CharField(_("kind"), max_length=12, choices=TouchKind.choices, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        related_name="next_actions",
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        "customers.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="next_actions",
    )
    company = models.ForeignKey(
        "customers.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="next_actions",
    )
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    notes = models.TextField(_("notes"), blank=True)
    remind_minutes_before = models.PositiveIntegerField(_("remind (minutes before)"), default=30)
    remind_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The reminder's email is its own step after the in-app notification: when to (re)try
    # it (null: nothing pending), how often it was tried, when it went out.
    reminder_mail_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_mail_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    reminder_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_touch = models.ForeignKey(
        "activities.Touch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("next action")
        verbose_name_plural = _("next actions")
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="action_assignee_idx"),
            models.Index(fields=["person", "status", "due_at"], name="action_person_idx"),
            models.Index(fields=["company", "status", "due_at"], name="action_company_idx"),
            models.Index(
                fields=["subject_type", "subject_id", "status"], name="action_subject_idx"
            ),
            models.Index(
                fields=["status", "remind_at"],
                name="action_remind_idx",
                condition=models.Q(reminded_at__isnull=True),
            ),
            models.Index(
                fields=["reminder_mail_at"],
                name="action_remind_mail_idx",
                condition=models.Q(reminder_mail_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(company__isnull=False),
                name="action_has_customer",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def customer(self):
        return self.person or self.company


class Notification(models.Model):
    """Something a user should look at: a reminder, a comment on a daily report, a
    handed-over customer. ``key`` makes each notification unique, so a job that runs twice
    cannot notify twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "created_at"], name="notification_user_idx")
        ]

    def __str__(self) -> str:
        return self.title
