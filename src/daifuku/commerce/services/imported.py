"""Taking back the orders an import recorded (the import's undo)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from daifuku.core import audit

from ..models import Order


@transaction.atomic
def remove_imported_orders(*, actor, order_ids: Iterable[int], note: str = "") -> tuple[int, int]:
    """Delete the orders an import recorded, lines included — except those that have
    become more than the import made: an order with a return recorded since is kept (the
    return is someone's work, and the history is never rewritten). ``(removed, kept)``.
    One audit entry for the whole undo."""
    ids = sorted(set(order_ids))
    removed = kept = 0
    for start in range(0, len(ids), 500):
        chunk = Order.objects.filter(pk__in=ids[start : start + 500])
        with_returns = set(chunk.filter(returns__isnull=False).values_list("pk", flat=True))
        kept += len(with_returns)
        removed += chunk.exclude(pk__in=with_returns).delete()[1].get("commerce.Order", 0)
    if removed:
        audit.record(
            actor=actor,
            action="delete",
            object_type="commerce.order",
            object_repr=note[:200] or "import",
            changes={"orders": [removed, None]},
            note=note,
        )
    return removed, kept
