"""Background jobs of imports (django-tasks): idempotent, taking ids."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="imports")
def run_import(run_id: int) -> None:
    from . import services

    services.perform_import(run_id)


@task(queue_name="imports")
def undo_import(run_id: int, actor_id: int | None = None) -> None:
    from . import services

    services.perform_undo(run_id, actor_id)
