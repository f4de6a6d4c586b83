"""Participation in 名寄せ (customer merge): the loser's deals and deal roles move to the
survivor, each move journaled so the merge can be undone."""

from __future__ import annotations

from ..models import Deal, DealContact


def on_customer_merging(survivor, loser, journal, **_ignored):
    """``customer.merging`` participant (inside the merge transaction)."""
    from daifuku.customers.models import Company, Person

    if isinstance(loser, Person):
        moves = [(Deal, "person"), (DealContact, "person")]
    elif isinstance(loser, Company):
        moves = [(Deal, "company")]
    else:
        return []
    moved = []
    for model, field in moves:
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        for row_id in list(model.objects.filter(**{f"{field}_id": loser.pk}).values_list("pk", flat=True)):
            journal.record_move(label, row_id, field, loser.pk, survivor.pk)
            moved.append((label, row_id))
        model.objects.filter(**{f"{field}_id": loser.pk}).update(**{f"{field}_id": survivor.pk})
    return moved
