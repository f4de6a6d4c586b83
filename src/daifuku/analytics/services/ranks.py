"""The history of customers' ranks (the rules administrators set: :mod:`.rules`).

A change of the rules re-evaluates every customer's rank in a background job (the
rebuild, keeping the RFM cut points); an order re-evaluates its customer's rank in its
own transaction (:mod:`.metrics`); the nightly job lets ranks whose window has passed
lapse. Every change of a customer's rank is a :class:`RankChange` row and a
``customer.rank_changed`` event (after commit) for marketing."""

from __future__ import annotations

from django.utils import timezone

from daifuku.accounts.permissions import is_user
from daifuku.core import events

from ..models import RankChange, RankRule


def record_changes(
    entity: str, changes: list[tuple[int, int | None, int | None]], *, reason: str, actor=None
) -> list[RankChange]:
    """History rows and events for ``(customer id, rank before, rank after)``."""
    if not changes:
        return []
    names = dict(RankRule.objects.values_list("pk", "name"))
    now = timezone.now()
    created = RankChange.objects.bulk_create(
        RankChange(
            **{f"{entity}_id": pk},
            from_rank_id=before,
            to_rank_id=after,
            from_name=names.get(before, "") if before else "",
            to_name=names.get(after, "") if after else "",
            reason=reason,
            changed_at=now,
            changed_by=actor if is_user(actor) else None,
        )
        for pk, before, after in changes
    )
    for change, (pk, _before, _after) in zip(created, changes, strict=True):
        events.emit(
            "customer.rank_changed",
            entity=entity,
            entity_id=pk,
            from_rank=change.from_name or None,
            to_rank=change.to_name or None,
            reason=reason,
        )
    return created
