"""How advocacy's audit entries are read: by whoever may see the row (the person's rule)."""

from __future__ import annotations

from daifuku.accounts.permissions import restrict

from .models import NpsAnswer, Referral


def _visible(model, user, entries) -> set[int]:
    ids = {e.object_id for e in entries if e.object_id is not None}
    seen = set(restrict(model.objects.filter(pk__in=ids), user).values_list("pk", flat=True))
    return {e.pk for e in entries if e.object_id in seen}


def nps_entries_visible(user, entries) -> set[int]:
    return _visible(NpsAnswer, user, entries)


def referral_entries_visible(user, entries) -> set[int]:
    return _visible(Referral, user, entries)
