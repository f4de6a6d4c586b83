"""Background jobs of activities (django-tasks; idempotent, take ids)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task(queue_name="mail")
def send_reminder_task(action_id: int) -> bool:
    from .services.actions import send_reminder

    return send_reminder(action_id)


def run_reminders() -> int:
    """Periodic entry point (``core.schedule.every``): queue the reminders now due."""
    from .services.actions import send_due_reminders

    return send_due_reminders()
