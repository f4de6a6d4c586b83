"""Progress of long user-visible work (docs/architecture.md convention 6).

A view creates a :class:`JobRun` and enqueues a task with its id on commit; the task reports
progress here; the UI polls the JobRun partial and the CLI prints a progress bar.

A worker can die in the middle of a job (killed, out of memory, the machine restarted).
Its job would then say "running" forever and its progress bar never move; every report
of a running job is a heartbeat, and :func:`recover_stalled` (run by the worker's
schedule) ends a job whose heartbeat has stopped as failed, saying so, and lets the
domain that owns the job put its own record right (:func:`when_stalled`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import JobRun

logger = logging.getLogger(__name__)

# No progress for this long means the worker is gone: the slowest step of any job (one
# all-or-nothing import batch into a million-customer ledger) reports within a minute or two.
STALL_AFTER = dt.timedelta(minutes=15)
RECOVERY_INTERVAL_SECONDS = 300

_stall_handlers: dict[str, Callable[[JobRun], None]] = {}


def when_stalled(kind: str, handler: Callable[[JobRun], None]) -> None:
    """Register what a domain does when one of its jobs of ``kind`` is found stalled (for
    an import: its run is marked failed and can be undone); called inside the transaction
    that marks the job failed."""
    _stall_handlers[kind] = handler


def start_job(
    *, kind: str, actor=None, parameters: dict | None = None, total: int | None = None
) -> JobRun:
    return JobRun.objects.create(
        kind=kind,
        created_by=actor if getattr(actor, "pk", None) else None,
        parameters=parameters or {},
        progress_total=total,
    )


def mark_running(job: JobRun, *, total: int | None = None, message: str = "") -> None:
    job.status = JobRun.Status.RUNNING
    job.started_at = job.heartbeat_at = timezone.now()
    if total is not None:
        job.progress_total = total
    job.message = message
    _save(job, ["status", "started_at", "heartbeat_at", "progress_total", "message"])


def report_progress(
    job: JobRun, done: int, *, total: int | None = None, message: str | None = None
) -> None:
    job.progress_done = done
    job.heartbeat_at = timezone.now()
    fields = ["progress_done", "heartbeat_at"]
    if total is not None:
        job.progress_total = total
        fields.append("progress_total")
    if message is not None:
        job.message = message[:300]
        fields.append("message")
    _save(job, fields)


def finish(job: JobRun, *, result: dict | None = None, message: str = "") -> None:
    job.status = JobRun.Status.SUCCEEDED
    job.finished_at = timezone.now()
    job.result = result or {}
    job.message = message[:300]
    if job.progress_total is not None:
        job.progress_done = job.progress_total
    _save(job, ["status", "finished_at", "result", "message", "progress_done"])


def fail(job: JobRun, error: str) -> None:
    job.status = JobRun.Status.FAILED
    job.finished_at = timezone.now()
    job.error = error
    _save(job, ["status", "finished_at", "error"])


def recover_stalled(now: dt.datetime | None = None) -> list[int]:
    """End every running job that has shown no sign of life for :data:`STALL_AFTER` as
    failed (the worker running it is gone), with a message that says what happened;
    returns their ids. Work the job committed before it stopped stays (imports: whole
    batches), and the domain's handler decides what that means for its own record."""
    now = now or timezone.now()
    limit = now - STALL_AFTER
    ended = []
    stalled = (
        JobRun.objects.filter(status=JobRun.Status.RUNNING)
        .annotate(last_sign=Coalesce("heartbeat_at", "started_at", "created_at"))
        .filter(last_sign__lte=limit)
        .values_list("pk", flat=True)
    )
    for pk in list(stalled):
        try:
            if _end_if_stalled(pk, now, limit):
                ended.append(pk)
        except Exception:  # one job's handler failing must not keep the others running for ever
            logger.exception("could not end stalled job %s", pk)
    return ended


def _end_if_stalled(pk: int, now: dt.datetime, limit: dt.datetime) -> bool:
    with transaction.atomic():  # checked again under the lock: a late heartbeat wins
        job = JobRun.objects.select_for_update().filter(pk=pk, status=JobRun.Status.RUNNING).first()
        last_sign = job and (job.heartbeat_at or job.started_at or job.created_at)
        if job is None or last_sign > limit:
            return False
        job.status = JobRun.Status.FAILED
        job.finished_at = now
        job.error = _(
            "The worker stopped while this job was running (no progress since %(time)s). "
            "What it finished before that was kept."
        ) % {"time": timezone.localtime(last_sign).strftime("%Y-%m-%d %H:%M")}
        _save(job, ["status", "finished_at", "error"])
        handler = _stall_handlers.get(job.kind)
        if handler:
            handler(job)
    logger.warning("job %s (%s) stalled since %s: marked failed", job.pk, job.kind, last_sign)
    return True


def _save(job: JobRun, fields: list[str]) -> None:
    job.save(update_fields=fields)
