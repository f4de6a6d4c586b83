"""Logging, editing and removing touches; the derived counts (``rollups``: daily counts,
customers touched per week/month, last touch per person) move in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, DELETE, ensure_can, is_user
from daifuku.core import audit, events
from daifuku.core.errors import DomainError, ValidationFailed

from .. import subjects
from ..models import Mood, Touch, TouchKind
from . import rollups
from .common import aware, choice, minutes, subject, text

# Content fields are audited by name only: the customer's history is seen more widely
# than the touch itself (another team, private notes), so their text must not leak there.
CONTENT_FIELDS = ("summary", "body", "outcome")
AUDITED_FIELDS = (
    "kind",
    "occurred_at",
    "duration_minutes",
    "mood",
    "follow_up",
    "is_private",
    "subject_type",
    "subject_id",
    *CONTENT_FIELDS,
)
# Who and whom: changed only by callers that resolved the new rep/customer themselves.
MOVE_FIELDS = ("rep", "person", "company")
HIDDEN = "…"


def clean_touch(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Values of a touch from ``data`` (only the keys present when not ``creating``)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def wanted(key: str) -> bool:
        return creating or key in data

    if wanted("kind"):
        values["kind"] = choice(
            data.get("kind"), TouchKind.values, "kind", errors, default=TouchKind.VISIT
        )
    if wanted("occurred_at"):
        when = data.get("occurred_at") or (timezone.now() if creating else None)
        values["occurred_at"] = aware(when, "occurred_at", errors)
        if values["occurred_at"] and (values["occurred_at"] - timezone.now()).days > 1:
            errors["occurred_at"] = [
                _("A touch cannot be in the future; plan it as a next action.")
            ]
    if wanted("duration_minutes"):
        values["duration_minutes"] = minutes(
            data.get("duration_minutes"), "duration_minutes", errors
        )
    if wanted("summary"):
        values["summary"] = text(
            data.get("summary"), "summary", errors, max_length=200, required=True
        )
    if wanted("body"):
        values["body"] = text(data.get("body"), "body", errors, max_length=50_000)
    if wanted("outcome"):
        values["outcome"] = text(data.get("outcome"), "outcome", errors, max_length=200)
    if wanted("mood"):
        values["mood"] = choice(data.get("mood"), Mood.values, "mood", errors, blank=True)
    for flag in ("follow_up", "is_private"):
        if wanted(flag):
            values[flag] = bool(data.get(flag))
    if creating or "subject_type" in data or "subject_id" in data:
        values["subject_type"], values["subject_id"] = subject(data, errors)
    if errors:
        raise ValidationFailed(errors)
    return values


def _audit_changes(before: dict, after: dict) -> dict:
    changes = audit.diff(before, after)
    for field in CONTENT_FIELDS:
        if field in changes:
            changes[field] = [
                HIDDEN if before.get(field) else None,
                HIDDEN if after.get(field) else None,
            ]
    return changes


def _record(actor, action: str, touch: Touch, changes: dict) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type="activities.touch",
        object_id=touch.pk,
        object_repr=f"{touch.get_kind_display()} #{touch.pk}",
        subject=touch.person or touch.company,
        changes=changes,
    )


@transaction.atomic
def log_touch(*, actor, data: dict[str, Any], person=None, company=None, rep=None) -> Touch:
    """Record a contact with a customer (タッチ). ``person`` and/or ``company`` are the
    customer (resolved by the caller through a selector); ``rep`` defaults to the actor.
    Emits ``touch.logged`` after commit."""
    if person is None and company is None:
        raise ValidationFailed(
            {"person_id": [_("Choose the customer this touch was with.")]}, code="customer_required"
        )
    values = clean_touch(data, creating=True)
    subjects.check(
        actor, values["subject_type"], values["subject_id"], person=person, company=company
    )
    rep = rep or (actor if is_user(actor) else None)
    if rep is None:
        raise ValidationFailed({"rep": [_("Say which rep made this touch.")]})
    touch = Touch.objects.create(
        rep=rep, team_id=rep.team_id, person=person, company=company, **values
    )
    rollups.apply([(rollups.TouchFacts.of(touch), 1)])
    _record(actor, "create", touch, _audit_changes({}, audit.snapshot(touch, AUDITED_FIELDS)))
    events.emit(
        "touch.logged",
        touch_id=touch.pk,
        person_id=touch.person_id,
        company_id=touch.company_id,
        subject_type=touch.subject_type,
        subject_id=touch.subject_id,
        occurred_at=touch.occurred_at,
        rep_id=touch.rep_id,
        kind=touch.kind,
    )
    return touch


@transaction.atomic
def update_touch(
    *, actor, touch: Touch, data: dict[str, Any], person=None, company=None, rep=None
) -> Touch:
    """Change a touch: only its author may (audited). ``person`` / ``company`` / ``rep``
    move it to another customer or rep (resolved and checked by the caller; the touch
    then belongs to the new rep's team)."""
    current = Touch.objects.select_for_update().get(pk=touch.pk)
    ensure_can(actor, CHANGE, current)
    values = clean_touch(data, creating=False)
    if person is not None:
        values["person"] = person
    if company is not None:
        values["company"] = company
    if rep is not None:
        values["rep"], values["team_id"] = rep, rep.team_id
    before = audit.snapshot(current, (*AUDITED_FIELDS, *MOVE_FIELDS))
    old = rollups.TouchFacts.of(current)
    for key, value in values.items():
        setattr(current, key, value)
    if {"subject_type", "subject_id", "person", "company"} & set(values):
        subjects.check(
            actor,
            current.subject_type,
            current.subject_id,
            person=current.person,
            company=current.company,
        )
    changes = _audit_changes(before, audit.snapshot(current, (*AUDITED_FIELDS, *MOVE_FIELDS)))
    if not changes:
        return current
    current.updated_at = timezone.now()
    current.save()
    new = rollups.TouchFacts.of(current)
    if new != old:
        rollups.apply([(old, -1), (new, 1)])
    _record(actor, "update", current, changes)
    events.emit("touch.updated", touch_id=current.pk, fields=sorted(changes))
    return current


@transaction.atomic
def delete_touch(*, actor, touch: Touch) -> None:
    """Remove a touch logged by mistake, with its files (deleted once the change commits)."""
    current = Touch.objects.select_for_update().get(pk=touch.pk)
    ensure_can(actor, DELETE, current)
    files = [(a.file.storage, a.file.name) for a in current.attachments.all()]
    files += [
        (a.thumbnail.storage, a.thumbnail.name) for a in current.attachments.all() if a.thumbnail
    ]
    facts = rollups.TouchFacts.of(current)
    _record(actor, "delete", current, {})
    current.delete()
    rollups.apply([(facts, -1)])

    def remove_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)


def ensure_same_customer(touch: Touch, *, person=None, company=None) -> None:
    if person is not None and touch.person_id not in (None, person.pk):
        raise DomainError(_("This touch belongs to another customer."), code="customer_mismatch")
