"""The duplicate scan as a background job (progress in a JobRun): its declaration and body.

``services.start_scan`` queues it; the body runs the scan service (``services.candidates``)
and never the module that queues it. Jobs queued under the former path
``daifuku.customers.dedup.tasks.dedup_scan`` still run (``dedup.tasks`` re-exports it).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from daifuku.core import jobs
from daifuku.core.models import JobRun

from .services.candidates import scan


@task()
def dedup_scan(job_id: int, entity_type: str = "person") -> None:
    perform_scan(job_id, entity_type)


def perform_scan(job_id: int, entity_type: str = "person"):
    """The job body: idempotent (a finished job is left alone)."""
    job = JobRun.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return None
    jobs.mark_running(job, message=_("Looking for duplicates…"))
    try:
        result = scan(
            actor=job.created_by or "dedup",
            entity_type=entity_type,
            progress=lambda done, total: jobs.report_progress(job, done, total=total),
        )
    except Exception as exc:
        jobs.fail(job, str(exc)[:2000])
        raise
    jobs.finish(
        job,
        result=result.as_dict(),
        message=_("%(groups)s candidate groups") % {"groups": result.groups},
    )
    return result
