"""Participation in 名寄せ (customer merge): the loser's orders move to the survivor, each
move journaled so the merge can be undone. Lines and returns hang off the order and
follow it untouched — a customer's purchase history is never split or lost by a merge."""

from __future__ import annotations

from ..models import Order


def on_customer_merging(survivor, loser, journal, **_ignored) -> dict[str, int]:
    """``customer.merging`` participant (inside the merge transaction): rows moved per model."""
    from daifuku.customers.dedup.services.journal import move_rows
    from daifuku.customers.models import Company, Person

    if isinstance(loser, Person):
        return {
            "commerce.order": move_rows(
                journal, Order.objects.filter(person_id=loser.pk), "person", survivor.pk
            )
        }
    if isinstance(loser, Company):
        return {
            "commerce.order": move_rows(
                journal, Order.objects.filter(company_id=loser.pk), "company", survivor.pk
            )
        }
    return {}
