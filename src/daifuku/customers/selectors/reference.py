"""Reads of the ledger's reference data — tags, custom field definitions — and of the
名寄せ scan's progress, for the customers screens (docs/architecture.md convention 2).

Tags and field definitions are shared by the whole organisation: everyone sees them,
so there is no ``restrict`` policy; who may change them is decided by the views
(managers) and the services.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from daifuku.core.models import JobRun

from ..models import CustomFieldDefinition, Tag


def tags() -> QuerySet:
    """Every tag, by name (the tag page and the list filter)."""
    return Tag.objects.all()


def get_tag(pk) -> Tag:
    """The tag ``pk``; 404 if there is none."""
    return get_object_or_404(Tag, pk=pk)


def custom_field_definitions() -> QuerySet:
    """Every custom field definition, active or not, by target and position (the setup
    page; forms use ``custom_fields.active_definitions``)."""
    return CustomFieldDefinition.objects.all()


def custom_field_keys(target: str) -> list[str]:
    """The keys already used by the fields of ``target`` (people or companies)."""
    return list(CustomFieldDefinition.objects.filter(target=target).values_list("key", flat=True))


def get_custom_field_definition(pk) -> CustomFieldDefinition:
    return get_object_or_404(CustomFieldDefinition, pk=pk)


def last_dedup_scan() -> JobRun | None:
    """The latest duplicate scan, whatever its state: the review queue shows its progress
    and when the list was last refreshed."""
    return JobRun.objects.filter(kind="dedup_scan").order_by("-id").first()
