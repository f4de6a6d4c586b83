"""Participation in 名寄せ (customer merge): the loser's deals and deal roles move to the
survivor, each move journaled so the merge can be undone.

The deal's line items, quotes and stage history hang off the deal itself, so they follow
it without being touched. A deal role the survivor already has on the same deal would be
a duplicate; it is removed through the journal (undo recreates it with its id)."""

from __future__ import annotations

from ..models import Deal, DealContact


def on_customer_merging(
    *, entity: str, survivor_id: int, loser_id: int, journal_id: int, **_ignored
) -> dict[str, int]:
    """``customer.merging`` participant (inside the merge transaction): rows moved per model."""
    from daifuku.customers.dedup.services.journal import delete_rows, move_rows

    if entity == "person":
        have = DealContact.objects.filter(person_id=survivor_id).values_list("deal_id", flat=True)
        delete_rows(
            journal_id, DealContact.objects.filter(person_id=loser_id, deal_id__in=list(have))
        )
        return {
            "sales.deal": move_rows(
                journal_id, Deal.objects.filter(person_id=loser_id), "person", survivor_id
            ),
            "sales.dealcontact": move_rows(
                journal_id, DealContact.objects.filter(person_id=loser_id), "person", survivor_id
            ),
        }
    if entity == "company":
        return {
            "sales.deal": move_rows(
                journal_id, Deal.objects.filter(company_id=loser_id), "company", survivor_id
            )
        }
    return {}
