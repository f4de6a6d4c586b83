"""Imports of customer files and what each one did, so it can be reviewed, corrected and
undone as a whole."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportMode(models.TextChoices):
    CREATE = "create", _("Create only")
    UPDATE = "update", _("Update only")
    UPSERT = "upsert", _("Create or update")


class ImportTarget(models.TextChoices):
    """What the rows of a file are: people (個人・担当者) or companies (取引先)."""

    PERSON = "person", _("People")
    COMPANY = "company", _("Companies")


class MatchKey(models.TextChoices):
    EMAIL = "email", _("Email address")
    PHONE = "phone", _("Phone number")
    EXTERNAL_ID = "external_id", _("External ID")
    CORPORATE_NUMBER = "corporate_number", _("Corporate number")


class SavedMapping(models.Model):
    """A column mapping someone saved to reuse for the next file from the same source
    (例: 「POSレジの月次エクスポート」)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    mapping = models.JSONField(default=dict, help_text="{column header: field}")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved mapping")
        verbose_name_plural = _("saved mappings")

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One uploaded file and how it is (or was) imported: format and encoding, the column
    mapping, the mode, the counts, and the batch id that every written row and audit entry
    carries, so the whole import can be undone."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting for mapping")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    batch_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=8)  # csv | xlsx | vcf
    encoding = models.CharField(max_length=16, blank=True)  # utf-8 | utf-8-sig | cp932
    detected_encoding = models.CharField(max_length=16, blank=True)
    mapping = models.JSONField(default=dict)
    target = models.CharField(
        max_length=8, choices=ImportTarget.choices, default=ImportTarget.PERSON
    )
    mode = models.CharField(max_length=8, choices=ImportMode.choices, default=ImportMode.UPSERT)
    match_key = models.CharField(max_length=20, choices=MatchKey.choices, default=MatchKey.EMAIL)
    dry_run = models.BooleanField(default=False)
    auto_merge = models.BooleanField(default=False)
    consent_statement = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    job = models.ForeignKey(
        "core.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    merged_count = models.PositiveIntegerField(default=0)
    # dry runs: rows that would create a customer who probably exists already (名寄せ keys)
    duplicate_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.original_name

    @property
    def undoable(self) -> bool:
        """A real import that wrote customers: finished, or stopped half-way (a batch
        raised or its worker died) after whole batches were written."""
        if self.dry_run:
            return False
        if self.status == self.Status.FINISHED:
            return True
        return self.status == self.Status.FAILED and bool(self.created_count or self.updated_count)

    @property
    def order_summary(self) -> str:
        """An order import's result in words (imports.orders.summary)."""
        from .orders import summary

        return summary(self)

    @property
    def summary(self) -> str:
        """「3 件を新規登録、1 件を更新、1 件はエラー」 in the active language (the result page's wording)."""
        from django.utils.translation import gettext

        return gettext("created %(c)s, updated %(u)s, failed %(f)s") % {
            "c": self.created_count,
            "u": self.updated_count,
            "f": self.failed_count,
        }


class ImportBatch(models.Model):
    """One all-or-nothing slice of an import (a few thousand rows). The people it created
    have consecutive ids (reserved up front), so the batch stores a range, not a million rows."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    first_row = models.PositiveIntegerField()
    last_row = models.PositiveIntegerField()
    created_first_id = models.BigIntegerField(null=True, blank=True)
    created_last_id = models.BigIntegerField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    # companies a people file's 会社名 column created (not one range: created one by one),
    # so undo can take them back with the people
    created_company_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="import_batch_number")
        ]

    def __str__(self) -> str:
        return f"{self.run_id} #{self.number}"


class ImportRowOutcome(models.Model):
    """What happened (or, in a dry run, would happen) to one row: ``failed`` with the reason
    and the raw cells (for the corrected re-import file), ``updated`` with the values it
    replaced (for undo), and in dry runs also ``created`` / ``unchanged``. A dry run's
    ``created`` row lists in ``changes["duplicates"]`` the existing customers it probably
    is. Company imports also keep their ``created`` rows: companies are written one by one
    through the service, so their ids are not one range and undo needs them."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="outcomes")
    row_number = models.PositiveIntegerField()
    action = models.CharField(max_length=10)  # created | updated | unchanged | failed | merged
    person_id = models.BigIntegerField(null=True, blank=True)
    company_id = models.BigIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    raw = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["run", "action", "row_number"], name="import_outcome_idx")]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.action}"


class ExternalId(models.Model):
    """The id a customer has in another system (POS 会員番号, the old CRM's key), so the
    next import from that system updates the same customer instead of adding a new one."""

    person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(
        "customers.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("external id")
        verbose_name_plural = _("external ids")
        constraints = [models.UniqueConstraint(fields=["value"], name="external_id_value")]

    def __str__(self) -> str:
        return self.value
