"""Participation in 名寄せ (customer merge): the loser's deals and deal roles move to the
survivor, each move journaled so the merge can be undone.

The deal's line items, quotes and stage history hang off the deal itself, so they follow
it without being touched. A deal role the survivor already has on the same deal would be
a duplicate; it is removed through the journal (undo recreates it with its id)."""

from __future__ import annotations

from ..models import Deal, DealContact


def on_customer_merging(survivor, loser, journal, **_ignored) -> dict[str, int]:
    """``customer.merging`` participant (inside the merge transaction): rows moved per model."""
    from daifuku.customers.dedup.services.journal import delete_rows, move_rows
    from daifuku.customers.models import Company, Person

    if isinstance(loser, Person):
        have = DealContact.objects.filter(person_id=survivor.pk).values_list("deal_id", flat=True)
        delete_rows(journal, DealContact.objects.filter(person_id=loser.pk, deal_id__in=list(have)))
        return {
            "sales.deal": move_rows(
                journal, Deal.objects.filter(person_id=loser.pk), "person", survivor.pk
            ),
            "sales.dealcontact": move_rows(
                journal, DealContact.objects.filter(person_id=loser.pk), "person", survivor.pk
            ),
        }
    if isinstance(loser, Company):
        return {
            "sales.deal": move_rows(
                journal, Deal.objects.filter(company_id=loser.pk), "company", survivor.pk
            )
        }
    return {}
