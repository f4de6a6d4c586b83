"""Participation in 名寄せ (customer merge): the loser's web events and proven visitor ids
move to the survivor, each move journaled so the merge can be undone."""

from __future__ import annotations

from ..models import Event, VisitorLink


def on_customer_merging(
    *, entity: str, survivor_id: int, loser_id: int, journal_id: int, **_ignored
) -> dict[str, int]:
    """``customer.merging`` participant (inside the merge transaction): rows moved per model."""
    from daifuku.customers.dedup.services.journal import move_rows

    if entity != "person":
        return {}  # web events belong to people only
    return {
        "behaviour.visitorlink": move_rows(
            journal_id, VisitorLink.objects.filter(person_id=loser_id), "person", survivor_id
        ),
        "behaviour.event": move_rows(
            journal_id, Event.objects.filter(person_id=loser_id), "person", survivor_id
        ),
    }
