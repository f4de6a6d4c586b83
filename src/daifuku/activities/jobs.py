"""Background jobs of activities: the reminders of next actions (django-tasks; idempotent,
taking ids), their declarations and their bodies.

The worker's schedule calls :func:`run_reminders` every minute; it queues one
``send_reminder_task`` per due action, which shows the reminder in the app and queues the
e-mail (``send_reminder_mail_task``), retried when the mail server refuses it. The bodies
write through their own claims (conditional UPDATEs) and ``services.actions.notify``; no
service imports this module. Jobs queued under the former path
``daifuku.activities.tasks.…`` still run (``activities.tasks`` re-exports them).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import NextAction, Status
from .services.actions import notify

logger = logging.getLogger(__name__)
# A reminder that could not go out within this time after the due time is no longer useful.
REMINDER_GRACE = dt.timedelta(hours=12)
# A reminder mail the server refused is tried again after these delays, then given up.
MAIL_RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(hours=1),
)
MAIL_LEASE = dt.timedelta(minutes=5)  # an attempt in progress: no other worker sends it


@task()
def send_reminder_task(action_id: int) -> bool:
    """The in-app reminder (no mail server involved)."""
    return send_reminder(action_id)


@task(queue_name="mail")
def send_reminder_mail_task(action_id: int) -> bool:
    """The reminder's email: failures are logged and retried by the schedule."""
    return send_reminder_mail(action_id)


def run_reminders(now=None) -> int:
    """Periodic entry point (``core.schedule.every``): queue the reminders now due, and
    the reminder mails whose retry time has come."""
    return send_due_reminders(now)


def due_reminder_ids(now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        NextAction.objects.filter(
            status=Status.OPEN,
            reminded_at__isnull=True,
            remind_at__lte=now,
            due_at__gte=now - REMINDER_GRACE,
        )
        .order_by("remind_at")
        .values_list("pk", flat=True)[:500]
    )


def _reminder_text(action: NextAction) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        when = timezone.localtime(action.due_at).strftime("%Y-%m-%d %H:%M")
        title = _("Reminder: %(title)s at %(when)s") % {"title": action.title, "when": when}
        body = _("%(customer)s — %(title)s, due %(when)s.") % {
            "customer": str(action.customer),
            "title": action.title,
            "when": when,
        }
    return title, body


def send_reminder(action_id: int, *, now=None) -> bool:
    """Remind the assignee of one action in the app — once, whatever the mail server
    does. The row is claimed with a conditional UPDATE in the same transaction as the
    notification, so a second run (two workers, a retry) finds nothing to do. The email
    is a separate step (:func:`send_reminder_mail`), queued after commit and retried."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = NextAction.objects.filter(
            pk=action_id, status=Status.OPEN, reminded_at__isnull=True
        ).update(reminded_at=now)
        if not claimed:
            return False
        action = NextAction.objects.select_related("assignee", "person", "company").get(
            pk=action_id
        )
        title, body = _reminder_text(action)
        notify(
            user=action.assignee,
            key=f"reminder:{action.pk}:{action.due_at.isoformat()}",
            title=title,
            body=body,
            url=reverse("activities:home"),
        )
        if action.assignee.email:
            NextAction.objects.filter(pk=action_id).update(
                reminder_mail_at=now, reminder_mail_attempts=0, reminder_mailed_at=None
            )
            transaction.on_commit(lambda: send_reminder_mail_task.enqueue(action_id))
    return True


def _mail_retry_delay(attempts: int) -> dt.timedelta:
    return MAIL_RETRY_DELAYS[min(attempts, len(MAIL_RETRY_DELAYS)) - 1]


def send_reminder_mail(action_id: int, *, now=None) -> bool:
    """Send the email of a reminder already shown in the app. The attempt is claimed for a
    few minutes (a second worker does not send it twice); a refused or unreachable mail
    server is logged and the mail retried later (1, 5, 15, 60 minutes) — never fatal, and
    the in-app notification stays. After the last attempt it is given up (logged)."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = NextAction.objects.filter(
            pk=action_id,
            status=Status.OPEN,
            reminder_mailed_at__isnull=True,
            reminder_mail_at__lte=now,
        ).update(
            reminder_mail_at=now + MAIL_LEASE,
            reminder_mail_attempts=F("reminder_mail_attempts") + 1,
        )
    if not claimed:
        return False
    action = NextAction.objects.select_related("assignee", "person", "company").get(pk=action_id)
    title, body = _reminder_text(action)
    try:
        send_mail(title, body, None, [action.assignee.email], fail_silently=False)
    except (OSError, smtplib.SMTPException) as exc:
        attempts = action.reminder_mail_attempts
        if attempts >= len(MAIL_RETRY_DELAYS):
            logger.error(
                "reminder mail for next action %s given up after %s attempts: %s",
                action_id,
                attempts,
                exc,
            )
            retry_at = None
        else:
            retry_at = now + _mail_retry_delay(attempts)
            logger.warning(
                "reminder mail for next action %s failed (attempt %s), retrying at %s: %s",
                action_id,
                attempts,
                retry_at.isoformat(),
                exc,
            )
        NextAction.objects.filter(pk=action_id).update(reminder_mail_at=retry_at)
        return False
    NextAction.objects.filter(pk=action_id).update(
        reminder_mailed_at=timezone.now(), reminder_mail_at=None
    )
    return True


def due_reminder_mail_ids(now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        NextAction.objects.filter(
            reminder_mail_at__lte=now, reminder_mailed_at__isnull=True, status=Status.OPEN
        )
        .order_by("reminder_mail_at")
        .values_list("pk", flat=True)[:500]
    )


def send_due_reminders(now=None) -> int:
    """Enqueue a reminder task per due action (called by the worker's schedule)."""
    ids = due_reminder_ids(now)
    for action_id in ids:
        send_reminder_task.enqueue(action_id)
    for action_id in due_reminder_mail_ids(now):  # mails whose retry time has come
        send_reminder_mail_task.enqueue(action_id)
    return len(ids)
