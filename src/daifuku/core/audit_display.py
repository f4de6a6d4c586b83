"""Audit entries as people read them: a sentence per business event ("訪問を記録しました
（写真 1 枚）"), field labels instead of column names, choice labels instead of stored
values, names instead of ids ("担当者: 鈴木 一郎 → 高橋 花子"), dates in Japanese in Asia/Tokyo,
money with ¥ and commas, はい/いいえ — and only the entries the reader may see.

Each domain registers, for the rows it audits (``register("activities.touch", …)`` in its
``AppConfig.ready()``):

* ``visible(user, entries)`` → the pks of the entries ``user`` may read: the audit follows
  the read rules of the thing it describes (a private note, another team's next action);
* ``describe(entry, children)`` → the sentence (and whether to list the field changes);
* ``parent(entry)`` → ``(object_type, object_id)`` of the entry it completes (a photo
  attached while logging a visit reads as part of "訪問を記録しました（写真 1 枚）");
* ``hidden`` fields never shown and ``content`` fields named but never quoted.

Internal fields (ids, sizes, hashes, versions, subject_type/subject_id, storage keys) are
never shown for any model. Related objects are looked up once per batch of entries (one
query per related model), so a history page of 500 entries does not become 500 queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from .japanese import format_postal_code

VIA_LABELS = {
    "ui": _("screen"),
    "api": _("API"),
    "command": _("command"),
    "import": _("import"),
    "worker": _("background job"),
    "system": _("system"),
}
EMPTY = "—"
# What an audit entry's ``action`` means, for history pages and timelines (an action no
# label is known for is shown as "記録" rather than as its code)
ACTION_LABELS = {
    "create": _("Created"),
    "update": _("Changed"),
    "delete": _("Moved to trash"),
    "restore": _("Restored"),
    "consent": _("Consent recorded"),
    "merge": _("Merged"),
    "handover": _("Handed over"),
    "seed": _("Demo data loaded"),
    "revoke": _("Revoked"),
    "invite": _("Invited"),
    "accept_invitation": _("Password set from the invitation"),
    "deactivate": _("Deactivated"),
    "reactivate": _("Reactivated"),
    "import": _("Imported"),
    "rotate_calendar_secret": _("Calendar link renewed"),
}
# What happened to the record the page is about.
OWN_SENTENCES = {
    "create": pgettext_lazy("audit", "Created"),
    "update": pgettext_lazy("audit", "Changed"),
    "delete": pgettext_lazy("audit", "Moved to the trash"),
    "restore": pgettext_lazy("audit", "Restored"),
    "consent": pgettext_lazy("audit", "Recorded a consent"),
    "merge": pgettext_lazy("audit", "Merged"),
    "unmerge": pgettext_lazy("audit", "Undid a merge"),
    "handover": pgettext_lazy("audit", "Handed over"),
    "import": pgettext_lazy("audit", "Imported"),
    "seed": pgettext_lazy("audit", "Loaded in bulk"),
    "not_duplicate": pgettext_lazy("audit", "Marked as not a duplicate"),
}
# What happened to a row that belongs to it (%(what)s: the row's kind, e.g. メールアドレス).
ROW_SENTENCES = {
    "create": pgettext_lazy("audit", "Added %(what)s"),
    "update": pgettext_lazy("audit", "Changed %(what)s"),
    "delete": pgettext_lazy("audit", "Removed %(what)s"),
    "restore": pgettext_lazy("audit", "Restored %(what)s"),
}
OTHER_SENTENCE = pgettext_lazy("audit", "Updated %(what)s")
# Never for people, whatever the model: keys, sizes, hashes, versions, generic subjects.
INTERNAL_NAMES = frozenset(
    {
        "id",
        "pk",
        "version",
        "size",
        "subject_type",
        "subject_id",
        "object_type",
        "object_id",
        "content_type",
        "checksum",
        "hash",
        "sha256",
        "storage_key",
        "key",
        "token",
        "secret",
        "password",
        "request_id",
    }
)
INTERNAL_SUFFIXES = ("_id", "_ids", "_hash", "_sha256", "_key", "_secret", "_token", "_version")
MONEY_NAMES = frozenset({"amount", "price", "unit_price", "subtotal", "tax", "total"})
MONEY_SUFFIXES = ("_amount", "_price", "_yen", "_total")


@dataclass(frozen=True)
class Change:
    label: str
    old: str | None  # None: the value did not exist before (a create)
    new: str
    content: bool = False  # a text that stays on the record: named, never quoted

    @property
    def text(self) -> str:
        if self.content:
            return pgettext("audit", "%(label)s was changed") % {"label": self.label}
        if self.old is None:
            return f"{self.label}: {self.new}"
        return f"{self.label}: {self.old} → {self.new}"


@dataclass
class ReadableEntry:
    """One line of a history or timeline: the sentence, who, through which door, the
    changes people may read, and the entries folded into it (a visit's photos)."""

    entry: Any
    sentence: str
    changes: list[Change]
    via: str
    actor: str
    children: list = field(default_factory=list)


@dataclass(frozen=True)
class Rules:
    visible: Callable[[Any, list], set[int]] | None = None
    describe: Callable[[Any, list], tuple[str, bool]] | None = None
    parent: Callable[[Any], tuple[str, int] | None] | None = None
    hidden: frozenset[str] = frozenset()
    content: frozenset[str] = frozenset()


_rules: dict[str, Rules] = {}


def register(
    object_type: str, *, visible=None, describe=None, parent=None, hidden=(), content=()
) -> None:
    """Declare how the audit entries of ``object_type`` ("app.model") are read (module doc)."""
    _rules[object_type] = Rules(
        visible=visible,
        describe=describe,
        parent=parent,
        hidden=frozenset(hidden),
        content=frozenset(content),
    )


def rules_for(object_type: str) -> Rules:
    return _rules.get(object_type) or Rules()


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _labelled(field) -> bool:
    return str(field.verbose_name) != field.name.replace("_", " ")


def is_internal(model, name: str, field=None, rules: Rules | None = None) -> bool:
    """Is ``name`` a field people never read? Keys, sizes, hashes, versions, storage keys,
    and the model's fields nobody gave a label (sort keys, generic subjects)."""
    if rules is not None and name in rules.hidden:
        return True
    if name in INTERNAL_NAMES:
        return True
    if field is not None and (
        getattr(field, "primary_key", False) or isinstance(field, models.FileField)
    ):
        return True
    if field is not None and field.concrete and not _labelled(field):
        return True
    # a real, labelled business field may end in _id (a LINE ID): it keeps its label
    return name.endswith(INTERNAL_SUFFIXES) and not (
        field is not None and field.concrete and _labelled(field)
    )


def visible_entries(entries, user) -> list:
    """The entries ``user`` may read: each registered type's ``visible`` rule decides for
    its entries (one query per type); unregistered types follow the page's subject."""
    entries = list(entries)
    by_type: dict[str, list] = defaultdict(list)
    for entry in entries:
        if rules_for(entry.object_type).visible is not None:
            by_type[entry.object_type].append(entry)
    allowed: set[int] = set()
    for object_type, group in by_type.items():
        allowed |= rules_for(object_type).visible(user, group)
    return [e for e in entries if e.pk in allowed or e.object_type not in by_type]


def readable_changes(entries) -> dict[int, list[Change]]:
    """``{entry.pk: [Change, …]}`` for the given audit entries (internal fields left out)."""
    entries = list(entries)
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for entry in entries:
        model = _model(entry.object_type)
        for name, pair in (entry.changes or {}).items():
            field = _field(model, name)
            if (
                field is not None
                and field.concrete
                and field.many_to_one
                and isinstance(pair, (list, tuple))
            ):
                wanted[field.related_model].update(v for v in pair if isinstance(v, int))
    names = {
        related: {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=ids)}
        for related, ids in wanted.items()
        if ids
    }
    result: dict[int, list[Change]] = {}
    for entry in entries:
        model = _model(entry.object_type)
        rules = rules_for(entry.object_type)
        changes = []
        for name, pair in (entry.changes or {}).items():
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                continue
            field = _field(model, name)
            if is_internal(model, name, field, rules):
                continue
            if field is not None and field.auto_created and not field.concrete:
                # a reverse relation such as a person's emails: label it by the related rows
                label, field = str(field.related_model._meta.verbose_name_plural), None
            else:
                label = str(field.verbose_name) if field is not None else name.replace("_", " ")
            if name in rules.content:
                changes.append(Change(label=label, old=None, new="", content=True))
                continue
            if entry.action == "create" and pair[1] in (None, "", [], {}):
                continue  # a create lists what was filled in
            old, new = (_display(field, name, value, names) for value in pair)
            if pair[0] == pair[1]:
                changes.append(
                    Change(label=label, old=None, new=new)
                )  # stated to say which (a consent's channel)
                continue
            if old == new and entry.action != "create":
                continue  # a change people cannot see (seconds of a time shown to the minute)
            changes.append(
                Change(
                    label=label,
                    old=None if pair[0] is None and entry.action == "create" else old,
                    new=new,
                )
            )
        result[entry.pk] = changes
    return result


def format_datetime(value: dt.datetime) -> str:
    """A moment as people read it here: Asia/Tokyo, "2026年12月7日 12:05"."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, pgettext("audit datetime", "N j, Y, H:i"))


def format_date(value: dt.date) -> str:
    return date_format(value, pgettext("audit date", "N j, Y"))


def _is_money(field, name: str) -> bool:
    return isinstance(field, (models.IntegerField, models.DecimalField)) and (
        name in MONEY_NAMES or name.endswith(MONEY_SUFFIXES)
    )


def _display(field, name: str, value: Any, names: dict) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if field is not None:
        if field.name == "postal_code" and isinstance(value, str):
            return format_postal_code(value)  # 100-0001, not the stored 1000001
        if field.many_to_one:
            if not isinstance(value, int):
                return str(value)  # recorded as a name already (a handover's owners)
            return names.get(field.related_model, {}).get(value, EMPTY)
        if field.choices:
            labels = {str(k): str(v) for k, v in field.flatchoices}
            if isinstance(value, list):
                return ", ".join(labels.get(str(v), str(v)) for v in value)
            return labels.get(str(value), str(value))
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            parsed = parse_datetime(value)
            return format_datetime(parsed) if parsed else value
        if isinstance(field, models.DateField) and isinstance(value, str):
            parsed = parse_date(value[:10])
            return format_date(parsed) if parsed else value
        if (
            _is_money(field, name)
            and isinstance(value, (int, str))
            and str(value).lstrip("-").isdigit()
        ):
            return f"¥{int(value):,}"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or EMPTY
    return str(value)


def via_label(via: str) -> str:
    return str(VIA_LABELS.get(via, via))


def action_label(action: str) -> str:
    """The audit action in words (作成, 変更 …); an unknown one as a generic "記録"."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else str(_("Recorded"))


def generic_sentence(entry) -> str:
    """ "Changed" for the record itself; "メールアドレスを追加しました: …" for a row of it."""
    if entry.action == "seed" and isinstance(entry.changes, dict):
        # the seeder's one entry per bulk load keeps English text for the log: its counts in words
        counts = {
            "people": entry.changes.get("people", 0),
            "companies": entry.changes.get("companies", 0),
        }
        return (
            f"{OWN_SENTENCES['seed']}: "
            + pgettext("audit", "%(people)s people, %(companies)s companies") % counts
        )
    if entry.object_type == entry.subject_type and entry.object_id == entry.subject_id:
        return str(OWN_SENTENCES.get(entry.action) or OWN_SENTENCES["update"])
    model = _model(entry.object_type)
    what = str(model._meta.verbose_name) if model is not None else _g("record")
    if entry.action in ROW_SENTENCES:
        sentence = str(ROW_SENTENCES[entry.action]) % {"what": what}
    elif entry.action in OWN_SENTENCES:  # a consent, a handover … recorded on a row of the record
        sentence = str(OWN_SENTENCES[entry.action])
    else:
        sentence = str(OTHER_SENTENCE) % {"what": what}
    return f"{sentence}: {entry.object_repr}" if entry.object_repr else sentence


def _fold_children(entries) -> tuple[list, dict[int, list]]:
    """Entries that complete another entry of the same moment and actor (a photo attached
    while logging the visit) are folded into it."""
    heads = {}
    for entry in entries:
        if entry.action == "create":
            heads[(entry.object_type, entry.object_id)] = entry
    children: dict[int, list] = defaultdict(list)
    top = []
    for entry in entries:
        parent = rules_for(entry.object_type).parent
        key = parent(entry) if parent is not None else None
        head = heads.get(key) if key else None
        if (
            head is not None
            and head.actor_id == entry.actor_id
            and abs((head.at - entry.at).total_seconds()) <= 120
        ):
            children[head.pk].append(entry)
        else:
            top.append(entry)
    return top, children


def readable_entries(entries, *, user) -> list[ReadableEntry]:
    """The entries ``user`` may read, newest first as given, as sentences with changes."""
    entries = visible_entries(entries, user)
    top, children = _fold_children(entries)
    changes = readable_changes(top)
    rows = []
    for entry in top:
        describe = rules_for(entry.object_type).describe
        if describe is not None:
            sentence, show_changes = describe(entry, children.get(entry.pk, []))
        else:
            sentence, show_changes = generic_sentence(entry), True
        rows.append(
            ReadableEntry(
                entry=entry,
                sentence=sentence,
                changes=changes[entry.pk] if show_changes else [],
                via=via_label(entry.via),
                actor=str(entry.actor) if entry.actor_id and entry.actor else entry.actor_label,
                children=children.get(entry.pk, []),
            )
        )
    return rows
