"""How commerce's audit entries are read (registered with ``core.audit_display`` in
apps.py): an order's or a return's entry is read by whoever may see the order — the same
rule as the order itself, so a history page never shows another scope's purchases."""

from __future__ import annotations

from daifuku.accounts.permissions import restrict

from .models import Order, Return


def _visible(model, user, entries) -> set[int]:
    ids = {e.object_id for e in entries if e.object_id is not None}
    seen = set(restrict(model.objects.filter(pk__in=ids), user).values_list("pk", flat=True))
    return {e.pk for e in entries if e.object_id in seen}


def order_entries_visible(user, entries) -> set[int]:
    return _visible(Order, user, entries)


def return_entries_visible(user, entries) -> set[int]:
    return _visible(Return, user, entries)
