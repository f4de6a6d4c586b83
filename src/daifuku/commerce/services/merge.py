"""Participation in 名寄せ (customer merge): the loser's orders move to the survivor, each
move journaled so the merge can be undone. Lines and returns hang off the order and
follow it untouched — a customer's purchase history is never split or lost by a merge."""

from __future__ import annotations

from ..models import Order


def on_customer_merging(
    *, entity: str, survivor_id: int, loser_id: int, journal_id: int, **_ignored
) -> dict[str, int]:
    """``customer.merging`` participant (inside the merge transaction): rows moved per model."""
    from daifuku.customers.dedup.services.journal import move_rows

    if entity not in ("person", "company"):
        return {}
    return {
        "commerce.order": move_rows(
            journal_id, Order.objects.filter(**{f"{entity}_id": loser_id}), entity, survivor_id
        )
    }
