"""Creating, changing and deleting segments. Every rule tree is validated here (whatever
door it came through) and stored in its normalised form; a tree that names other
segments is refused if it would make a cycle."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, DELETE, check_version, ensure_can, is_user
from daifuku.core import audit
from daifuku.core.errors import DomainError, ValidationFailed

from .. import conditions
from ..models import Campaign, Segment, SegmentKind

FIELDS = ("name", "description", "kind", "rules", "owner")


def _clean(data: dict[str, Any], segment: Segment | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    creating = segment is None
    code = None
    if "name" in data or creating:
        name = str(data.get("name") or "").strip()
        if not name:
            errors["name"] = [_("Give the segment a name.")]
        elif len(name) > 100:
            errors["name"] = [_("Use at most 100 characters.")]
        elif (
            Segment.objects.filter(name=name)
            .exclude(pk=segment.pk if segment is not None else 0)
            .exists()
        ):
            errors["name"] = [_("Another segment already has this name.")]
            code = "duplicate_name"
        values["name"] = name
    if "description" in data:
        values["description"] = str(data.get("description") or "").strip()[:2000]
    kind = data.get("kind", segment.kind if segment else SegmentKind.DYNAMIC) or SegmentKind.DYNAMIC
    if kind not in SegmentKind.values:
        errors["kind"] = [_("Choose rules or a fixed list.")]
    elif creating or "kind" in data:
        if segment is not None and kind != segment.kind:
            errors["kind"] = [_("A segment's kind cannot change; make a new segment instead.")]
        values["kind"] = kind
    if errors:
        raise ValidationFailed(errors, code=code)
    if "rules" in data or creating:
        rules = data.get("rules")
        if kind == SegmentKind.STATIC:
            if rules not in (None, {}, {"all": []}):
                raise ValidationFailed(
                    {"rules": [_("A fixed list has members, not rules.")]}, code="invalid_rules"
                )
            values["rules"], values["refers_to"] = {"all": []}, []
        else:
            group = conditions.parse({"all": []} if rules is None else rules)
            refers_to = conditions.referenced_segments(group)
            _refuse_cycle(segment, refers_to)
            values["rules"], values["refers_to"] = conditions.as_json(group), refers_to
    return values


def _refuse_cycle(segment: Segment | None, refers_to: list[int]) -> None:
    """A segment may not contain itself through the segments it names."""
    if segment is None:
        return  # a new segment cannot be named by anything yet
    seen: set[int] = set()
    todo = list(refers_to)
    while todo:
        pk = todo.pop()
        if pk == segment.pk:
            raise ValidationFailed(
                {"rules": [_("A segment cannot contain itself, directly or through another.")]},
                code="segment_cycle",
            )
        if pk in seen:
            continue
        seen.add(pk)
        found = Segment.objects.filter(pk=pk).values_list("refers_to", flat=True).first()
        todo += [ref for ref in (found or []) if isinstance(ref, int)]


@transaction.atomic
def create_segment(*, actor, data: dict[str, Any]) -> Segment:
    """Define a segment (rules, or an empty fixed list) owned by ``actor``."""
    values = _clean(data, None)
    owner = actor if is_user(actor) else None
    segment = Segment.objects.create(owner=owner, **values)
    _refresh_later(segment)
    audit.record(
        actor=actor,
        action="create",
        obj=segment,
        changes=audit.diff({}, audit.snapshot(segment, FIELDS)),
    )
    return segment


@transaction.atomic
def update_segment(
    *, actor, segment: Segment, data: dict[str, Any], expected_version: int | None = None
) -> Segment:
    """Rename a segment or change its rules (its members follow at once: a dynamic
    segment's members are computed from the rules when read)."""
    segment = Segment.objects.select_for_update().get(pk=segment.pk)
    ensure_can(actor, CHANGE, segment)
    check_version(segment, expected_version)
    values = _clean(data, segment)
    before = audit.snapshot(segment, FIELDS)
    for name, value in values.items():
        setattr(segment, name, value)
    segment.version += 1
    segment.save()
    if "rules" in values:
        _refresh_later(segment)
    audit.record(
        actor=actor,
        action="update",
        obj=segment,
        changes=audit.diff(before, audit.snapshot(segment, FIELDS)),
    )
    return segment


@transaction.atomic
def delete_segment(*, actor, segment: Segment) -> None:
    """Delete a segment that no other segment names (its list members go with it)."""
    ensure_can(actor, DELETE, segment)
    users = [
        name
        for name, refs in Segment.objects.exclude(pk=segment.pk).values_list("name", "refers_to")
        if segment.pk in (refs or [])
    ]
    if users:
        raise DomainError(
            _("Other segments use this one: %(names)s. Change them first.")
            % {"names": "、".join(sorted(users))},
            code="segment_in_use",
            status=409,
        )
    campaigns = sorted(
        Campaign.objects.filter(segment_id=segment.pk).values_list("name", flat=True)
    )
    if campaigns:  # a campaign keeps its audience's segment, sent or not (its statistics)
        raise DomainError(
            _("Mail campaigns use this segment: %(names)s.") % {"names": "、".join(campaigns)},
            code="segment_in_use",
            status=409,
        )
    audit.record(actor=actor, action="delete", obj=segment, changes={})
    segment.delete()


def _refresh_later(segment: Segment) -> None:
    """The stored membership follows new rules in the background (after commit)."""
    from ..jobs import refresh_segment_task

    pk = segment.pk
    transaction.on_commit(lambda: refresh_segment_task.enqueue(pk))


def require_static(segment: Segment) -> None:
    if segment.kind != SegmentKind.STATIC:
        raise DomainError(
            _("Only a fixed list has members added by hand; this segment follows its rules."),
            code="not_a_list",
            status=409,
        )
