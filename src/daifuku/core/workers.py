"""Whether a background worker is alive, for the pages that wait on one.

Imports, exports and the 名寄せ scan run in ``daifuku worker`` (which ``daifuku serve``
starts beside the web server unless told not to). Each worker writes its
:class:`~daifuku.core.models_schedule.WorkerHeartbeat` row every :data:`BEAT_SECONDS`; a
page waiting on a job shows :func:`notice` when no worker has reported for
:data:`SILENT_AFTER` seconds — otherwise a job would say "queued" for ever without a word.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _

from .models_schedule import WorkerHeartbeat
from .schedule import first_line

logger = logging.getLogger(__name__)

BEAT_SECONDS = 5.0
# a heartbeat can wait on SQLite's write lock up to its busy timeout (20 s) during a bulk
# write: silence shorter than this is not yet a sign of a dead worker
SILENT_AFTER = 60
FORGET_AFTER = dt.timedelta(days=1)

_at_start: list[Callable[[str], object]] = []


def at_start(function: Callable[[str], object]) -> None:
    """Run ``function(worker_id)`` when a ``daifuku worker`` starts, before it takes jobs
    (registered in an app's ``ready()``): e.g. marketing's delivery engine names its claims
    after the worker and reports the mails a killed predecessor left half-sent."""
    if function not in _at_start:
        _at_start.append(function)


def starting(worker_id: str) -> None:
    """The worker ``worker_id`` starts: run the :func:`at_start` functions (a failing one,
    or a database not up yet, is logged; the schedule covers for it later)."""
    for function in _at_start:
        try:
            function(worker_id)
        except Exception as error:
            logger.warning("worker start hook %s failed: %s", function.__name__, first_line(error))


def beat(worker_id: str, started_at: dt.datetime) -> None:
    """This worker is alive (and forget workers silent for a day)."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": now,
        },
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


def stopped(worker_id: str) -> None:
    """A worker that stops cleanly takes its row with it."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def beat_until(stop: threading.Event, worker_id: str, interval: float = BEAT_SECONDS) -> None:
    """The worker's heartbeat thread: beats every ``interval`` seconds until ``stop``; a
    database that is down is logged and tried again at the next beat."""
    started_at = timezone.now()
    while not stop.is_set():
        close_old_connections()
        try:
            beat(worker_id, started_at)
        except Exception as error:
            logger.warning("worker heartbeat failed: %s", first_line(error))
        stop.wait(interval)


def silent_for(now: dt.datetime | None = None) -> int | None:
    """Seconds since the last report of any worker; None when none has ever reported."""
    last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if last is None:
        return None
    return max(0, int(((now or timezone.now()) - last).total_seconds()))


def jobs_need_a_worker() -> bool:
    """Whether jobs wait for a worker process (the database queue), rather than run at
    once in the process that enqueues them (the test settings, ``DAIFUKU_TASKS_BACKEND``)."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend.endswith("DatabaseBackend")


def notice(job=None) -> str:
    """What a page waiting on ``job`` (a :class:`~daifuku.core.models.JobRun`, or the page's
    job in general) tells the user when no worker is alive; "" when one is (or no worker is
    needed). A running job that reports progress proves a worker, whatever its heartbeat
    row says."""
    if not jobs_need_a_worker():
        return ""
    now = timezone.now()
    if (
        job is not None
        and job.heartbeat_at
        and (now - job.heartbeat_at).total_seconds() < SILENT_AFTER
    ):
        return ""
    silence = silent_for(now)
    if silence is not None and silence < SILENT_AFTER:
        return ""
    if silence is None:
        return _(
            "No background worker has reported yet, so this job will not start: run "
            "daifuku worker on the server (daifuku serve starts one unless told not to)."
        )
    if silence >= 120:  # a worker gone for hours reads better in minutes
        return _(
            "No background worker has reported for %(minutes)s min, so this job will not "
            "progress: start daifuku worker on the server."
        ) % {"minutes": silence // 60}
    return _(
        "No background worker has reported for %(seconds)s s, so this job will not "
        "progress: start daifuku worker on the server."
    ) % {"seconds": silence}
