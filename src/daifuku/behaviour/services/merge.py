"""Participation in 名寄せ (customer merge): the loser's web events and proven visitor ids
move to the survivor, each move journaled so the merge can be undone."""

from __future__ import annotations

from ..models import Event, VisitorLink


def on_customer_merging(survivor, loser, journal, **_ignored) -> dict[str, int]:
    """``customer.merging`` participant (inside the merge transaction): rows moved per model."""
    from daifuku.customers.dedup.journal import move_rows
    from daifuku.customers.models import Person

    if not isinstance(loser, Person):
        return {}  # web events belong to people only
    return {
        "behaviour.visitorlink": move_rows(
            journal, VisitorLink.objects.filter(person_id=loser.pk), "person", survivor.pk
        ),
        "behaviour.event": move_rows(
            journal, Event.objects.filter(person_id=loser.pk), "person", survivor.pk
        ),
    }
