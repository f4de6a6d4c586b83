"""A real django-tasks task the campaign tests enqueue in place of the delivery engine's
(the test settings run tasks at once: ImmediateBackend)."""

from django_tasks import task

ENQUEUED: list[int] = []


@task(queue_name="mail")
def record_send(campaign_id: int) -> None:
    ENQUEUED.append(campaign_id)
