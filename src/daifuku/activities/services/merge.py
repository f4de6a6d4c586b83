"""名寄せ: when two customers are merged, the loser's touches, next actions and ownership
history move to the survivor; each move is journalled so the merge can be undone (the
dedup engine's generic undo replays the journal backwards). The per-person derived rows
(customers touched, last touch) follow the touches both ways."""

from __future__ import annotations

from ..models import NextAction, OwnershipPeriod, Touch
from . import rollups

MODELS = (Touch, NextAction, OwnershipPeriod)


def move_rows_on_merge(
    *, entity: str, survivor_id: int, loser_id: int, journal_id: int, **_ignored
) -> dict[str, int]:
    """``customer.merging`` participant."""
    from daifuku.customers.dedup.services.journal import move_rows

    field = entity
    facts = []
    if field == "person":
        facts = [
            rollups.TouchFacts.of(t)
            for t in Touch.objects.filter(person_id=loser_id).only(
                "rep_id", "team_id", "person_id", "occurred_at", "kind"
            )
        ]
    moved = {
        model._meta.label_lower: move_rows(
            journal_id, model.objects.filter(**{f"{field}_id": loser_id}), field, survivor_id
        )
        for model in MODELS
    }
    if facts:
        rollups.apply(
            [(f, -1) for f in facts] + [(f.moved(person_id=survivor_id), 1) for f in facts]
        )
    return moved


def move_touches_back_on_unmerge(
    *, entity: str, survivor_id: int, loser_id: int, journal_id: int, **_ignored
) -> int:
    """``customer.unmerging`` participant: runs before the generic undo puts the journalled
    rows back, so it moves the journalled touches back itself (the undo then finds them
    where it would have put them) and lets the derived rows follow."""
    from daifuku.customers.dedup.selectors import moved_row_ids

    if entity != "person":
        return 0
    ids = moved_row_ids(journal_id, Touch._meta.label_lower, "person_id")
    if not ids:
        return 0
    return rollups.move_people(
        Touch.objects.filter(pk__in=ids), from_person_id=survivor_id, to_person_id=loser_id
    )
