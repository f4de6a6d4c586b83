"""Periodic work of commerce (scheduled in apps.py through core.schedule)."""

from __future__ import annotations

from django_tasks import task


def forget_old_webhook_deliveries() -> int:
    """Remembered webhook signatures / Shopify delivery ids older than a day go."""
    from .services.webhooks import forget_old_deliveries

    return forget_old_deliveries()


@task()
def announce_imported_orders_task(first_id: int, last_id: int, source: str) -> int:
    """After an import's batch commits: ``order.recorded`` for each of its orders."""
    return announce_imported_orders(first_id, last_id, source)


def announce_imported_orders(first_id: int, last_id: int, source: str) -> int:
    """``order.recorded`` for each order of an import's batch (ids ``first_id`` …
    ``last_id`` of ``source``) still there — the same event with the same payload as an
    order recorded one by one (``customer_payload``), emitted by the job the batch queued
    (commerce.services.imported)."""
    from django.db import transaction

    from daifuku.core import events

    from .models import Order

    found = (
        Order.objects.filter(source=source, pk__gte=first_id, pk__lte=last_id)
        .order_by("pk")
        .values_list("pk", "person_id", "company_id")
    )
    count = 0
    with transaction.atomic():  # the listeners run after this commit, as after the order's
        for pk, person_id, company_id in found.iterator(chunk_size=2000):
            if person_id:
                events.emit("order.recorded", order_id=pk, entity="person", entity_id=person_id)
            else:
                events.emit("order.recorded", order_id=pk, entity="company", entity_id=company_id)
            count += 1
    return count
