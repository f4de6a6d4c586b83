"""Fields an administrator adds to people or companies without a developer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    BOOLEAN = "boolean", _("Yes / no")


class Target(models.TextChoices):
    PERSON = "person", _("People")
    COMPANY = "company", _("Companies")


class CustomFieldDefinition(models.Model):
    """One admin-defined field (例: 「来店頻度」 choice, 「会員番号」 text). Values live in the
    record's ``custom_fields`` JSON under ``key`` and are validated by every write path."""

    target = models.CharField(_("applies to"), max_length=8, choices=Target.choices)
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(_("type"), max_length=12, choices=FieldType.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["target", "position", "id"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        constraints = [
            models.UniqueConstraint(fields=["target", "key"], name="custom_field_target_key")
        ]

    def __str__(self) -> str:
        return self.label
