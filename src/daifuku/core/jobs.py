"""Progress of long user-visible work (DESIGN.md convention 6).

A view creates a :class:`JobRun` and enqueues a task with its id on commit; the task reports
progress here; the UI polls the JobRun partial and the CLI prints a progress bar.
"""

from __future__ import annotations

from django.utils import timezone

from .models import JobRun


def start_job(*, kind: str, actor=None, parameters: dict | None = None, total: int | None = None) -> JobRun:
    return JobRun.objects.create(
        kind=kind,
        created_by=actor if getattr(actor, "pk", None) else None,
        parameters=parameters or {},
        progress_total=total,
    )


def mark_running(job: JobRun, *, total: int | None = None, message: str = "") -> None:
    job.status = JobRun.Status.RUNNING
    job.started_at = timezone.now()
    if total is not None:
        job.progress_total = total
    job.message = message
    _save(job, ["status", "started_at", "progress_total", "message"])


def report_progress(job: JobRun, done: int, *, total: int | None = None, message: str | None = None) -> None:
    job.progress_done = done
    fields = ["progress_done"]
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


def _save(job: JobRun, fields: list[str]) -> None:
    job.save(update_fields=fields)
