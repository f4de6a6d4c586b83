"""Recording what a merge touched, and putting it back (the participant toolkit).

Other domains move their rows during a merge through the ``customer.merging`` event and
record them here; undo then reverses them without knowing the domain (see docs/dedup.md).
"""

from __future__ import annotations

from typing import Any, cast

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from daifuku.core.audit import _plain, label_for

from ...models import MergeJournal, MergeJournalEntry


def _field(model: type[models.Model], name: str) -> models.Field:
    """A concrete field of ``model`` (journalled rows are moved by their own columns)."""
    return cast(models.Field, model._meta.get_field(name))


def move_rows(
    journal: MergeJournal | int,
    queryset: models.QuerySet,
    field: str,
    new_value: Any,
    *,
    also: dict[str, Any] | None = None,
) -> int:
    """Set ``field`` of every row of ``queryset`` to ``new_value`` (usually the survivor's id)
    and journal each row, so undo sets it back. ``also``: more columns to change at the same
    time (e.g. ``{"is_primary": False}``); their old values are journalled too.

    This is what a ``customer.merging`` participant calls for its own rows::

        move_rows(journal_id, Touch.objects.filter(person_id=loser_id), "person", survivor_id)

    ``journal``: the merge's journal or its id (the event carries the id).
    """
    model = queryset.model
    attname = _field(model, field).attname
    extra = also or {}
    columns = ["pk", attname, *(_field(model, k).attname for k in extra)]
    rows = list(queryset.values_list(*columns))
    if not rows:
        return 0
    label = label_for(model())
    entries = []
    for row in rows:
        restore = {_field(model, k).attname: _plain(v) for k, v in zip(extra, row[2:], strict=True)}
        entries.append(
            MergeJournalEntry(
                journal_id=_id(journal),
                model=label,
                row_id=row[0],
                action="moved",
                field=attname,
                old_value=_plain(row[1]),
                new_value=_plain(new_value),
                data={"restore": restore} if restore else {},
            )
        )
    MergeJournalEntry.objects.bulk_create(entries)
    values = {attname: new_value, **{_field(model, k).attname: v for k, v in extra.items()}}
    model._default_manager.filter(pk__in=[r[0] for r in rows]).update(**values)
    return len(rows)


def delete_rows(journal: MergeJournal | int, queryset: models.QuerySet) -> int:
    """Delete rows that merely duplicate what the survivor already has (the same email,
    the same company link), keeping every column so undo recreates them with their id."""
    model = queryset.model
    columns = [f.attname for f in model._meta.concrete_fields]
    rows = list(queryset.values(*columns))
    if not rows:
        return 0
    label = label_for(model())
    MergeJournalEntry.objects.bulk_create(
        MergeJournalEntry(
            journal_id=_id(journal),
            model=label,
            row_id=row[model._meta.pk.attname],
            action="deleted",
            data={"fields": _plain(row)},
        )
        for row in rows
    )
    model._default_manager.filter(pk__in=[row[model._meta.pk.attname] for row in rows]).delete()
    return len(rows)


def _id(journal: MergeJournal | int) -> int:
    return journal if isinstance(journal, int) else journal.pk


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _manager(model):
    # soft-deleted rows still count: undo must see every row the merge touched
    return getattr(model, "all_objects", model._default_manager)


def conflicts(journal: MergeJournal) -> dict[str, list[str]]:
    """What changed since the merge so that undoing it would overwrite someone's work."""
    problems: dict[str, list[str]] = {}
    for entry in journal.entries.all():
        model = _model(entry.model)
        key = f"{entry.model}#{entry.row_id}"
        if entry.action == "moved":
            current = (
                _manager(model).filter(pk=entry.row_id).values_list(entry.field, flat=True).first()
            )
            if current is None and not _manager(model).filter(pk=entry.row_id).exists():
                problems.setdefault(key, []).append(_("This row was deleted after the merge."))
            elif _plain(current) != entry.new_value:
                problems.setdefault(key, []).append(_("This row was moved again after the merge."))
        elif entry.action == "deleted":
            if _manager(model).filter(pk=entry.row_id).exists():
                problems.setdefault(key, []).append(_("A row with this id exists again."))
    return problems


def reverse(journal: MergeJournal) -> None:
    """Put every journalled row back (newest first). Call only when :func:`conflicts` is empty."""
    for entry in reversed(list(journal.entries.all())):
        model = _model(entry.model)
        if entry.action == "moved":
            values = {entry.field: entry.old_value, **entry.data.get("restore", {})}
            _manager(model).filter(pk=entry.row_id).update(**values)
        elif entry.action == "deleted":
            _manager(model).create(**entry.data["fields"])
        elif entry.action == "created":
            _manager(model).filter(pk=entry.row_id).delete()
