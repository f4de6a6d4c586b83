"""Touches: every visit, call, mail or chat a rep has with a customer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TouchKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    # "Email" alone is Django's メールアドレス (auth comes first): the kind of contact is メール
    EMAIL = "email", pgettext_lazy("touch kind", "Email")
    CHAT = "chat", _("Chat")
    MEETING = "meeting", _("Meeting")
    LINE = "line", _("LINE")
    NOTE = "note", _("Note")
    OTHER = "other", _("Other")


class Mood(models.TextChoices):
    """How warm the customer felt (温度感), as the rep judged it."""

    HOT = "hot", _("Hot")
    WARM = "warm", _("Warm")
    NEUTRAL = "neutral", _("Neutral")
    COLD = "cold", _("Cold")


class Touch(models.Model):
    """One contact with a customer (タッチ): who talked to whom, when, how, and what was
    said — recorded so nobody asks the customer the same thing twice and a handover loses
    nothing. Belongs to a person and/or company, and optionally to a subject of a higher
    domain (a deal, an inquiry) named by ``subject_type`` + ``subject_id``.

    ``team`` is the rep's team when the touch was logged: the team that works the customer
    sees its touches. ``is_private`` notes are seen by their author only."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=TouchKind.choices, default=TouchKind.VISIT
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rep"),
        on_delete=models.PROTECT,
        related_name="touches",
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
        related_name="touches",
    )
    company = models.ForeignKey(
        "customers.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="touches",
    )
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=200)
    body = models.TextField(_("details"), blank=True, help_text=_("Markdown"))
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    mood = models.CharField(_("temperature"), max_length=8, choices=Mood.choices, blank=True)
    follow_up = models.BooleanField(_("needs follow-up"), default=False)
    is_private = models.BooleanField(_("private note"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("touch")
        verbose_name_plural = _("touches")
        indexes = [
            models.Index(fields=["person", "occurred_at", "id"], name="touch_person_idx"),
            models.Index(fields=["company", "occurred_at", "id"], name="touch_company_idx"),
            models.Index(
                fields=["subject_type", "subject_id", "occurred_at"], name="touch_subject_idx"
            ),
            models.Index(fields=["rep", "occurred_at", "person"], name="touch_rep_idx"),
            models.Index(fields=["team", "occurred_at"], name="touch_team_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(company__isnull=False),
                name="touch_has_customer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"


class TouchAttachment(models.Model):
    """A photo or document attached to a touch (名刺, 現場写真, 見積書 …). Stored through
    Django's storage API; the type comes from the file's content, never its name."""

    touch = models.ForeignKey(Touch, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(max_length=300, upload_to="touches/%Y/%m/")
    thumbnail = models.FileField(max_length=300, upload_to="touches/thumbs/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    is_image = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class TouchDailyCount(models.Model):
    """How many touches of a kind a rep logged on a day (Asia/Tokyo), kept by the touch
    services in the same transaction as the touch: the team dashboard reads a year of
    activity from here instead of counting millions of touches."""

    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    day = models.DateField()
    kind = models.CharField(max_length=12, choices=TouchKind.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rep", "day", "kind"], name="touch_daily_unique")
        ]
        indexes = [models.Index(fields=["team", "day"], name="touch_daily_team_idx")]

    def __str__(self) -> str:
        return f"{self.rep_id} {self.day} {self.kind}: {self.count}"
