"""The duplicate scan as a background job (progress in a JobRun)."""

from __future__ import annotations

from django_tasks import task


@task()
def dedup_scan(job_id: int, entity_type: str = "person") -> None:
    from .services import perform_scan

    perform_scan(job_id, entity_type)
