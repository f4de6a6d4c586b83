"""The CLV fit as a background job (declaration; the body is in ``jobs_clv``)."""

from __future__ import annotations

from django_tasks import task


@task()
def fit_clv_task(job_id: int) -> None:
    from .jobs_clv import fit_clv

    fit_clv(job_id)
