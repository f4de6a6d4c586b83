"""Background jobs of imports (django-tasks): their declarations and their bodies.

Idempotent and taking ids (docs/architecture.md convention 6). The services queue them
(``start``, ``request_undo``) after their transaction commits; the bodies run the pipeline
(``pipeline``/``companies``) or the undo (``undo``/``companies``), never the services, so
the services import this module and not the other way round. Queued jobs stored under the
former path ``daifuku.imports.tasks.…`` still run (``imports.tasks`` re-exports them).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from daifuku.core import audit, jobs
from daifuku.core.context import acting
from daifuku.core.models import JobRun

from . import companies, orders, pipeline, readers, targets, undo
from .models import ImportRun, ImportTarget

logger = logging.getLogger(__name__)


@task(queue_name="imports")
def run_import(run_id: int) -> None:
    perform_import(run_id)


@task(queue_name="imports")
def undo_import(run_id: int, actor_id: int | None = None) -> None:
    perform_undo(run_id, actor_id)


def perform_import(run_id: int, *, progress=None) -> ImportRun | None:
    """The job body (idempotent: a run that is not queued is left alone)."""
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update()
            .filter(pk=run_id, status=ImportRun.Status.QUEUED)
            .first()
        )
        if run is None:
            return None
        run.status = ImportRun.Status.RUNNING
        run.save(update_fields=["status"])
    job = run.job or jobs.start_job(
        kind="import", actor=run.created_by, parameters={"import_id": run.pk}
    )
    total = readers.count_rows(run.file.path, run.file_format) or None
    jobs.mark_running(job, total=total)

    def report(done: int, total_rows: int | None, message: str | None = None) -> None:
        jobs.report_progress(
            job,
            done,
            total=max(done, total_rows or 0) or None,
            message=message or _("%(done)s rows processed") % {"done": f"{done:,}"},
        )
        if progress:
            progress(done, total_rows)

    actor = run.created_by or "import"
    execute = {ImportTarget.COMPANY: companies.execute, targets.ORDER_TARGET: orders.execute}.get(
        run.target, pipeline.execute
    )
    try:
        with acting("import", str(run.batch_id)[:32]):
            run = execute(run, actor=actor, progress=report, total=total)
    except Exception as exc:
        logger.exception("import %s failed", run_id)
        mark_interrupted(run_id, rows_done=job.progress_done)  # report() keeps it current
        jobs.fail(job, str(exc)[:2000])
        raise
    # a dry run's created rows that probably exist already (the writers list them per row)
    duplicate_count = (
        run.outcomes.filter(changes__has_key="duplicates").count() if run.dry_run else 0
    )
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.FINISHED, duplicate_count=duplicate_count
    )
    run.refresh_from_db()
    jobs.finish(
        job,
        result={
            "created": run.created_count,
            "updated": run.updated_count,
            "failed": run.failed_count,
            "unchanged": run.unchanged_count,
            "merged": run.merged_count,
            "duplicates": run.duplicate_count,
        },
        message=orders.summary(run) if run.target == targets.ORDER_TARGET else run.summary,
    )
    return run


def mark_interrupted(run_id: int, *, rows_done: int = 0) -> None:
    """An import that stopped half-way — a batch raised, or its worker died — is failed,
    and its counts say what the batches committed before it stopped wrote: each batch is
    all-or-nothing, so that part is whole, and it can be undone like a finished import."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.RUNNING).first()
    if run is None:
        return
    actions = dict(run.outcomes.values("action").annotate(n=Count("id")).values_list("action", "n"))
    if run.target == ImportTarget.COMPANY or run.dry_run:
        created = actions.get("created", 0)
    else:  # a person import keeps no outcome per created row, its batches count them
        created = run.batches.aggregate(n=Sum("created_count"))["n"] or 0
    ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.RUNNING).update(
        status=ImportRun.Status.FAILED,
        finished_at=timezone.now(),
        total_rows=rows_done,
        created_count=created,
        updated_count=actions.get("updated", 0),
        failed_count=actions.get("failed", 0),
        merged_count=actions.get("merged", 0),
    )


def import_stalled(job: JobRun) -> None:
    """core.jobs found this import's job without a heartbeat: its worker is gone
    (registered in ``ImportsConfig.ready``)."""
    run_id = (job.parameters or {}).get("import_id")
    if run_id:
        mark_interrupted(run_id, rows_done=job.progress_done)
        # a large import killed as a bulk load left indexes and postings to finish; after
        # this transaction, so the rebuild does not hold the recovery's lock
        transaction.on_commit(pipeline.repair_unless_importing)


def perform_undo(run_id: int, actor_id: int | None = None) -> dict:
    from daifuku.accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    actor = actor or "import-undo"
    job = (
        JobRun.objects.filter(kind="import_undo", parameters__import_id=run_id)
        .order_by("-id")
        .first()
    )
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or not run.undoable:
            return {}
        if job:
            jobs.mark_running(job, total=run.created_count + run.updated_count)
        with acting("import", str(run.batch_id)[:32]):
            if run.target == targets.ORDER_TARGET:
                result = orders.undo(run, actor, job)
            elif run.target == ImportTarget.COMPANY:
                result = companies.undo(run, actor, job)
            else:
                result = undo.undo_people(run, actor, job)
        run.status = ImportRun.Status.UNDONE
        run.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="undo",
            obj=run,
            changes={k: [None, v] for k, v in result.items()},
            note=str(run.batch_id),
        )
    if job:
        jobs.finish(job, result=result, message=_("Import undone."))
    return result
