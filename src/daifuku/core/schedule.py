"""Periodic jobs (reminders, stalled-deal checks, analytics snapshots).

Domains register ``every(seconds, name, function)`` in ``AppConfig.ready()``; the worker's
schedule thread enqueues nothing itself but calls the function, which should enqueue a
task or do small idempotent work. Last runs are kept in the cache-free ``ScheduleState``
table so two workers or a restart do not run a job twice in one interval."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections, transaction
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    seconds: int
    function: Callable[[], object]


_jobs: dict[str, Periodic] = {}


def every(seconds: int, name: str, function: Callable[[], object]) -> None:
    _jobs[name] = Periodic(name, seconds, function)


def registered() -> list[Periodic]:
    return list(_jobs.values())


def run_due(now=None) -> list[str]:
    """Run each job whose interval has passed; returns the names that ran."""
    from .models_schedule import ScheduleState

    now = now or timezone.now()
    ran = []
    for job in registered():
        with transaction.atomic():
            state, _ = ScheduleState.objects.select_for_update().get_or_create(name=job.name)
            if state.last_run_at and (now - state.last_run_at).total_seconds() < job.seconds:
                continue
            state.last_run_at = now
            state.save(update_fields=["last_run_at"])
        try:
            job.function()
            ran.append(job.name)
        except Exception:
            logger.exception("periodic job %s failed", job.name)
    return ran


def loop(stop: threading.Event, tick: float = 15.0) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            run_due()
        except (OperationalError, InterfaceError) as error:  # the database is down: next tick
            logger.warning("schedule: database unavailable (%s)", first_line(error))
        except Exception:
            logger.exception("schedule tick failed")
        stop.wait(tick)


def first_line(error: BaseException) -> str:
    """An exception in one log line (a refused connection's message runs over several)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
