"""名寄せ: customer records that may be the same customer, the decisions taken about them,
and the journal that lets a merge be undone exactly."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EntityType(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class DuplicateGroup(models.Model):
    """Two or more customer records that probably describe the same customer (名寄せ候補),
    found by a scan or on import. ``score`` (0–100) is the strongest evidence between any
    two members, ``reasons`` the stable codes of what matched (``email``, ``phone``,
    ``kana_birthday`` …) and ``pairs`` the evidence per pair, so a reviewer sees why."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged")
        DISMISSED = "dismissed", _("Not duplicates")

    entity_type = models.CharField(
        max_length=8, choices=EntityType.choices, default=EntityType.PERSON
    )
    key = models.CharField(max_length=255, help_text="entity type and sorted member ids")
    member_ids = models.JSONField(default=list)
    score = models.PositiveSmallIntegerField(default=0)
    reasons = models.JSONField(default=list)
    pairs = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(status="open"), name="dedup_open_key"
            ),
        ]
        indexes = [models.Index(fields=["status", "score", "id"], name="dedup_queue_idx")]

    def __str__(self) -> str:
        return f"{self.entity_type} {self.member_ids} ({self.score})"


class DuplicateMember(models.Model):
    """One record of a duplicate group; the foreign keys let the permission policy show a
    rep only the groups whose every member they may change."""

    group = models.ForeignKey(DuplicateGroup, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "customers.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(
        "customers.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["person"], name="dedup_member_person_idx"),
            models.Index(fields=["company"], name="dedup_member_company_idx"),
        ]

    def __str__(self) -> str:
        return f"group {self.group_id}: {self.person_id or self.company_id}"


class NotDuplicate(models.Model):
    """A reviewer's decision that two records are different customers (同姓同名の別人):
    remembered so the pair is never proposed again."""

    entity_type = models.CharField(
        max_length=8, choices=EntityType.choices, default=EntityType.PERSON
    )
    first_id = models.BigIntegerField()
    second_id = models.BigIntegerField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("not a duplicate")
        verbose_name_plural = _("not duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["entity_type", "first_id", "second_id"], name="not_duplicate_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity_type} {self.first_id} ≠ {self.second_id}"


class MergeJournal(models.Model):
    """One merge of ``loser`` into ``survivor``: which survivor fields took which values and
    every related row that moved (entries), so the merge can be undone exactly — or, when
    someone changed the survivor since, the undo names the conflict instead of overwriting."""

    class Status(models.TextChoices):
        MERGED = "merged", _("Merged")
        UNDONE = "undone", _("Undone")

    entity_type = models.CharField(
        max_length=8, choices=EntityType.choices, default=EntityType.PERSON
    )
    survivor_id = models.BigIntegerField()
    loser_id = models.BigIntegerField()
    group = models.ForeignKey(
        DuplicateGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="journals"
    )
    field_changes = models.JSONField(
        default=dict, help_text="{field: [survivor value before, value after]}"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.MERGED)
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at", "-id"]
        indexes = [
            models.Index(fields=["entity_type", "survivor_id"], name="merge_survivor_idx"),
            models.Index(fields=["entity_type", "loser_id"], name="merge_loser_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entity_type} #{self.loser_id} → #{self.survivor_id}"


class MergeJournalEntry(models.Model):
    """One row a merge touched. ``action`` says how:

    * ``moved`` — ``model``/``row_id`` had ``field`` changed from ``old_value`` to ``new_value``
      (the loser's id to the survivor's); undo sets it back if it still holds ``new_value``.
    * ``deleted`` — the row was a duplicate of one the survivor already had and was removed;
      ``data`` holds its column values so undo can recreate it with the same id.
    * ``created`` — the merge created the row (e.g. a tag link); undo deletes it.
    """

    journal = models.ForeignKey(MergeJournal, on_delete=models.CASCADE, related_name="entries")
    model = models.CharField(max_length=64)
    row_id = models.BigIntegerField()
    action = models.CharField(max_length=8)
    field = models.CharField(max_length=64, blank=True)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.action} {self.model}#{self.row_id}"
