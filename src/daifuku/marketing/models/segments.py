"""Segments (セグメント): the groups of customers a campaign is sent to.

A *dynamic* segment is a rule tree — AND / OR groups of conditions over the ledger,
consent, purchases, touches, deals and other segments (``daifuku.marketing.conditions``) —
whose members are whoever meets the rules at the moment they are counted. A *static*
segment (a list, リスト) holds exactly the people put into it, from a selection on the
customer list or an import.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daifuku.core.links import id_url
from daifuku.core.models import TimeStampedModel, VersionedModel


class SegmentKind(models.TextChoices):
    DYNAMIC = "dynamic", _("Rules (updates itself)")
    STATIC = "static", _("Fixed list")


def empty_rules() -> dict:
    return {"all": []}


class Segment(TimeStampedModel, VersionedModel):
    """A named group of people (例: 「東京都の40代・メール許諾あり・2回以上購入」).

    ``rules`` is the rule tree of a dynamic segment as the API writes it
    (``{"all": [...]}`` / ``{"any": [...]}`` of ``{"field", "op", "value"}`` conditions
    and nested groups); it is validated by the services before it is stored, so a stored
    tree always compiles unless a field it names has been removed since (then the
    segment counts nobody and its page says why). ``refers_to`` lists the segments the
    rules name, so a cycle (A in B, B in A) is refused and a segment in use is not
    deleted from under another."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=8, choices=SegmentKind.choices, default=SegmentKind.DYNAMIC
    )
    rules = models.JSONField(_("rules"), default=empty_rules, blank=True)
    refers_to = models.JSONField(default=list, blank=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # the day of Japan on which the stored members were last brought in line with the
    # calendar (ages, 「最終購入から90日以上」): the daily calendar refresh does each once
    calendar_day = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return id_url("marketing:segment", self.pk)

    @property
    def is_static(self) -> bool:
        return self.kind == SegmentKind.STATIC


class StaticMember(models.Model):
    """One person put into a static segment (a list), by whom and when."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="static_members")
    person = models.ForeignKey("customers.Person", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("list member")
        verbose_name_plural = _("list members")
        constraints = [
            models.UniqueConstraint(fields=["segment", "person"], name="static_member_once")
        ]
        # the lists a person is on (segment conditions "in list", merges)
        indexes = [models.Index(fields=["person"], name="static_member_person_idx")]

    def __str__(self) -> str:
        return f"{self.segment_id}: {self.person_id}"


class SegmentMembership(models.Model):
    """Who is in a segment now, kept as rows so a campaign, a report or another system can
    read a segment without compiling its rules, and so a change of membership (someone
    entering 「リピーター」) is something that happens at a time. Maintained by
    :mod:`daifuku.marketing.jobs` — one person after an event about them, every segment in
    the periodic full check, which must find nothing to fix."""

    # No foreign-key constraints in the database (db_constraint=False): a first
    # materialisation inserts a segment's every member, and PostgreSQL checked both keys
    # row by row (3.9 of 8.1 s for 172,000 members at 1M people). The rows are derived:
    # deleting a person or a segment through Django still deletes theirs (on_delete), and
    # a refresh deletes any stored person its rules do not select, a removed one included.
    # Nor the keys' own indexes: the unique (segment, person) and the person index below
    # serve every read, and each index more is written for every member inserted.
    segment = models.ForeignKey(
        Segment,
        on_delete=models.CASCADE,
        related_name="memberships",
        db_constraint=False,
        db_index=False,
    )
    person = models.ForeignKey(
        "customers.Person",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("segment membership")
        verbose_name_plural = _("segment memberships")
        constraints = [
            models.UniqueConstraint(fields=["segment", "person"], name="segment_membership_once")
        ]
        indexes = [models.Index(fields=["person"], name="segment_membership_person_idx")]

    def __str__(self) -> str:
        return f"{self.segment_id}: {self.person_id}"
