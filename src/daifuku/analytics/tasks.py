"""Background tasks of analytics (bodies in :mod:`daifuku.analytics.jobs`)."""

from __future__ import annotations

from django_tasks import task


@task()
def rerank() -> None:
    from .jobs import rerank_all

    rerank_all()


@task()
def rebuild_metrics(job_id: int | None = None) -> None:
    from .jobs import run_rebuild

    run_rebuild(job_id=job_id)
