"""Background jobs of marketing (django-tasks): idempotent, taking ids."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_segment_task(segment_id: int) -> None:
    from . import jobs

    jobs.refresh_segment(segment_id)


@task()
def refresh_customer_task(person_id: int) -> None:
    from . import jobs

    jobs.refresh_customer(person_id)
