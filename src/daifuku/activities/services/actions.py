"""Next actions: plan, change, complete, cancel; notifications. The reminders themselves
are jobs (``activities.jobs``)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.models import User
from daifuku.accounts.permissions import CHANGE, ensure_can, is_user
from daifuku.core import audit, events
from daifuku.core.errors import DomainError, ValidationFailed

from .. import subjects
from ..models import NextAction, Notification, Priority, Status, TouchKind
from .common import aware, choice, minutes, subject, text

logger = logging.getLogger(__name__)
AUDITED_FIELDS = (
    "title",
    "due_at",
    "kind",
    "duration_minutes",
    "assignee",
    "priority",
    "status",
    "notes",
    "remind_minutes_before",
    "subject_type",
    "subject_id",
)


def _assignee(value, errors: dict) -> User | None:
    if isinstance(value, User):
        return value if value.is_active else None
    if value in (None, ""):
        errors["assignee"] = [_("Choose who does it.")]
        return None
    lookup = {"pk": int(value)} if str(value).isdigit() else {"username": str(value).strip()}
    user = User.objects.filter(is_active=True, **lookup).first()
    if user is None:
        errors["assignee"] = [_("Unknown user.")]
    return user


def clean_next_action(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def wanted(key: str) -> bool:
        return creating or key in data

    if wanted("title"):
        values["title"] = text(data.get("title"), "title", errors, max_length=200, required=True)
    if wanted("due_at"):
        values["due_at"] = aware(data.get("due_at"), "due_at", errors)
    if wanted("kind"):
        values["kind"] = choice(data.get("kind"), TouchKind.values, "kind", errors, blank=True)
    if wanted("duration_minutes"):
        values["duration_minutes"] = minutes(
            data.get("duration_minutes"), "duration_minutes", errors
        )
    if wanted("priority"):
        values["priority"] = choice(
            data.get("priority"), Priority.values, "priority", errors, default=Priority.NORMAL
        )
    if wanted("notes"):
        values["notes"] = text(data.get("notes"), "notes", errors, max_length=5000)
    if wanted("remind_minutes_before"):
        value = data.get("remind_minutes_before")
        values["remind_minutes_before"] = (
            30 if value in (None, "") else minutes(value, "remind_minutes_before", errors)
        )
    if "assignee" in data:
        values["assignee"] = _assignee(data.get("assignee"), errors)
    if creating or "subject_type" in data or "subject_id" in data:
        values["subject_type"], values["subject_id"] = subject(data, errors)
    if errors:
        raise ValidationFailed(errors)
    return values


def _schedule_reminder(action: NextAction) -> None:
    action.remind_at = action.due_at - dt.timedelta(minutes=action.remind_minutes_before or 0)
    action.reminded_at = None
    action.reminder_mail_at = None


@transaction.atomic
def create_next_action(*, actor, data: dict[str, Any], person=None, company=None) -> NextAction:
    """Plan what happens next with a customer ("when, what", 次のアクション). The assignee
    defaults to the actor; the worker reminds them before the due time."""
    if person is None and company is None:
        raise ValidationFailed(
            {"person_id": [_("Choose the customer this action is for.")]}, code="customer_required"
        )
    data = dict(data)
    if not data.get("assignee") and is_user(actor):
        data["assignee"] = actor
    values = clean_next_action(data, creating=True)
    subjects.check(
        actor, values["subject_type"], values["subject_id"], person=person, company=company
    )
    action = NextAction(
        person=person, company=company, created_by=actor if is_user(actor) else None, **values
    )
    action.team_id = action.assignee.team_id
    _schedule_reminder(action)
    action.save()
    audit.record(
        actor=actor,
        action="create",
        obj=action,
        subject=person or company,
        changes=audit.diff({}, audit.snapshot(action, AUDITED_FIELDS)),
    )
    events.emit(
        "next_action.created",
        next_action_id=action.pk,
        person_id=action.person_id,
        company_id=action.company_id,
        subject_type=action.subject_type,
        subject_id=action.subject_id,
    )
    return action


@transaction.atomic
def update_next_action(*, actor, action: NextAction, data: dict[str, Any]) -> NextAction:
    current = NextAction.objects.select_for_update().get(pk=action.pk)
    ensure_can(actor, CHANGE, current)
    values = clean_next_action(data, creating=False)
    before = audit.snapshot(current, AUDITED_FIELDS)
    for key, value in values.items():
        setattr(current, key, value)
    if {"subject_type", "subject_id"} & set(values):
        subjects.check(
            actor,
            current.subject_type,
            current.subject_id,
            person=current.person,
            company=current.company,
        )
    changes = audit.diff(before, audit.snapshot(current, AUDITED_FIELDS))
    if not changes:
        return current
    if "assignee" in changes:
        current.team_id = current.assignee.team_id
    if {"due_at", "remind_minutes_before"} & set(changes):
        _schedule_reminder(current)
    current.updated_at = timezone.now()
    current.save()
    audit.record(
        actor=actor, action="update", obj=current, subject=current.customer, changes=changes
    )
    return current


def _close(actor, action: NextAction, status: str, touch=None) -> NextAction:
    current = NextAction.objects.select_for_update().get(pk=action.pk)
    ensure_can(actor, CHANGE, current)
    if current.status != Status.OPEN:
        raise DomainError(_("This action is already closed."), code="action_closed", status=409)
    current.status = status
    current.completed_at = timezone.now()
    current.completed_touch = touch
    current.updated_at = current.completed_at
    current.save()
    audit.record(
        actor=actor,
        action="update",
        obj=current,
        subject=current.customer,
        changes={"status": [Status.OPEN, status]},
    )
    return current


@transaction.atomic
def complete_next_action(*, actor, action: NextAction, touch=None) -> NextAction:
    """Mark an action done, optionally with the touch that did it."""
    done = _close(actor, action, Status.DONE, touch)
    events.emit(
        "next_action.completed",
        next_action_id=done.pk,
        person_id=done.person_id,
        company_id=done.company_id,
        subject_type=done.subject_type,
        subject_id=done.subject_id,
    )
    return done


@transaction.atomic
def cancel_next_action(*, actor, action: NextAction) -> NextAction:
    return _close(actor, action, Status.CANCELLED)


# --- notifications and reminders --------------------------------------------------------


def notify(*, user, key: str, title: str, body: str = "", url: str = "") -> Notification | None:
    """Create the notification ``key`` once; a second call with the same key does nothing."""
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user=user, key=key[:100], title=title[:200], body=body, url=url[:300]
            )
    except IntegrityError:
        return None


@transaction.atomic
def mark_notifications_read(*, actor, ids=None) -> int:
    rows = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
