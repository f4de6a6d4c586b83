"""Background jobs of analytics (their django-tasks declarations and bodies): the full
rebuild of the customer metrics (nightly and ``daifuku analytics_rebuild``) and the
re-ranking after the rank rules changed. They compute through the services of
:mod:`.services.metrics`; the services that queue them (:mod:`.services.rules`) are never
imported from here, so there is no import circle."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_tasks import task

from daifuku.core import jobs

from .models import RankChange
from .services import metrics

JOB_KIND = "analytics_rebuild"
NIGHTLY_SECONDS = 24 * 60 * 60


def run_rebuild(
    *,
    job_id: int | None = None,
    as_of: dt.date | None = None,
    recalibrate: bool = True,
    reason: str = RankChange.Reason.REBUILD,
) -> dict:
    """Recompute every snapshot (progress in the JobRun ``job_id`` when given)."""
    from daifuku.core.models import JobRun

    job = JobRun.objects.filter(pk=job_id).first() if job_id else None
    if job is not None:
        jobs.mark_running(job)

    def progress(entity: str, done: int, total: int) -> None:
        if job is not None:
            jobs.report_progress(job, done, total=total, message=entity)

    try:
        result = metrics.rebuild(
            as_of=as_of, recalibrate=recalibrate, reason=reason, progress=progress
        )
    except Exception as error:
        if job is not None:
            jobs.fail(job, str(error)[:500])
        raise
    if job is not None:
        jobs.finish(job, result=result)
    return result


def rerank_all() -> dict:
    """The rank rules changed: everybody's rank again (RFM cut points kept)."""
    return metrics.rebuild(recalibrate=False, reason=RankChange.Reason.RULES)


def nightly() -> None:
    """Periodic entry point (``core.schedule``): queue tonight's rebuild (ranks lapse
    when their window has passed, recency moves on, RFM cut points follow the buyers)."""
    job = jobs.start_job(kind=JOB_KIND, parameters={"reason": "nightly"})
    transaction.on_commit(lambda: rebuild_metrics.enqueue(job.pk))


@task()
def rerank() -> None:
    rerank_all()


@task()
def rebuild_metrics(job_id: int | None = None) -> None:
    run_rebuild(job_id=job_id)
