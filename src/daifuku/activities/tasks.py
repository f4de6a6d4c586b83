"""Former home of activities' jobs, kept because queued jobs name their task by its path
(``daifuku.activities.tasks.send_reminder_task``): the jobs live in
:mod:`daifuku.activities.jobs`."""

from .jobs import run_reminders, send_reminder_mail_task, send_reminder_task

__all__ = ["run_reminders", "send_reminder_mail_task", "send_reminder_task"]
