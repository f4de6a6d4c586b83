"""名寄せ: when two customers are merged, the loser's touches, next actions and ownership
history move to the survivor; each move is journalled so the merge can be undone (the
dedup engine's generic undo replays the journal backwards)."""

from __future__ import annotations

from ..models import NextAction, OwnershipPeriod, Touch

MODELS = (Touch, NextAction, OwnershipPeriod)


def move_rows_on_merge(*, survivor, loser, journal, **_ignored) -> dict[str, int]:
    from daifuku.customers.dedup.journal import move_rows

    field = "person" if survivor._meta.model_name == "person" else "company"
    return {model._meta.label_lower: move_rows(journal, model.objects.filter(**{field: loser.pk}), field, survivor.pk)
            for model in MODELS}
