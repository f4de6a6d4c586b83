"""Participation in 名寄せ (customer merge): the loser's places on fixed lists move to the
survivor, each move journaled so the merge can be undone (the journal's undo sets them
back). Where the survivor is already on the list the loser's row stays with the loser
(kept, merged): the list shows the survivor once, and an undo finds the loser's row as
it was. Stored memberships are derived data: the merge's events refresh both people."""

from __future__ import annotations

from ..models import StaticMember


def on_customer_merging(
    *, entity: str, survivor_id: int, loser_id: int, journal_id: int, **_ignored
) -> dict[str, int]:
    """``customer.merging`` participant (inside the merge transaction): rows moved."""
    from daifuku.customers.dedup.services.journal import move_rows

    if entity != "person":
        return {}
    already = StaticMember.objects.filter(person_id=survivor_id).values("segment_id")
    rows = StaticMember.objects.filter(person_id=loser_id).exclude(segment_id__in=already)
    return {"marketing.staticmember": move_rows(journal_id, rows, "person", survivor_id)}
