"""Background jobs of activities (django-tasks; idempotent, take ids)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_reminder_task(action_id: int) -> bool:
    """The in-app reminder (no mail server involved)."""
    from .services.actions import send_reminder

    return send_reminder(action_id)


@task(queue_name="mail")
def send_reminder_mail_task(action_id: int) -> bool:
    """The reminder's email: failures are logged and retried by the schedule."""
    from .services.actions import send_reminder_mail

    return send_reminder_mail(action_id)


def run_reminders(now=None) -> int:
    """Periodic entry point (``core.schedule.every``): queue the reminders now due, and
    the reminder mails whose retry time has come."""
    from .services.actions import send_due_reminders

    return send_due_reminders(now)
