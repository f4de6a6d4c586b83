"""The registry of segment conditions: every field a rule may test.

A field is a key (``age``, ``order_count`` …), a Japanese label, the operators it takes,
the kind of value it takes and a ``compile`` function that turns one validated condition
into a Django ``Q`` on people (``customers.Person``) — a column test, or ``pk__in`` a
subquery on another table. Nothing else in marketing knows a field: the rule builder
lists them, the validator checks conditions against them, the compiler calls them. So a
new condition (a rank from analytics, a page visit from behaviour, a mail opened) is a
:func:`register` call in a module imported by :mod:`daifuku.marketing.conditions` —
see docs/marketing.md, "Adding a condition".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Operators, in the order the rule builder offers them.
EQ, NE, IN, NOT_IN, GTE, LTE, CONTAINS, IS_SET, NOT_SET = (
    "eq",
    "ne",
    "in",
    "not_in",
    "gte",
    "lte",
    "contains",
    "is_set",
    "not_set",
)
OPERATOR_LABELS = {
    EQ: _("is"),
    NE: _("is not"),
    IN: _("is one of"),
    NOT_IN: _("is none of"),
    GTE: _("at least"),
    LTE: _("at most"),
    CONTAINS: _("contains"),
    IS_SET: _("is recorded"),
    NOT_SET: _("is not recorded"),
}
# A condition as a sentence on the segment's page; the whole sentence is one message so a
# language can put the field, the value and the operator in its own order (「年齢が40歳以上」).
OPERATOR_SENTENCES = {
    EQ: _("%(field)s is %(value)s"),
    NE: _("%(field)s is not %(value)s"),
    IN: _("%(field)s is one of %(value)s"),
    NOT_IN: _("%(field)s is none of %(value)s"),
    GTE: _("%(field)s is at least %(value)s"),
    LTE: _("%(field)s is at most %(value)s"),
    CONTAINS: _("%(field)s contains %(value)s"),
    IS_SET: _("%(field)s is recorded"),
    NOT_SET: _("%(field)s is not recorded"),
}
LIST_OPERATORS = (IN, NOT_IN)
NO_VALUE_OPERATORS = (IS_SET, NOT_SET)

# Value kinds: what the value of a condition is and how the builder asks for it.
NUMBER, TEXT, CHOICE = "number", "text", "choice"

# The groups the builder shows the fields in (its <optgroup>s), in this order.
GROUPS = {
    "attributes": _("Attributes"),
    "consent": _("Consent"),
    "purchases": _("Purchases"),
    "analytics": _("Customer analytics"),
    "behaviour": _("Web behaviour"),
    "touches": _("Touches"),
    "deals": _("Deals"),
    "segments": _("Segments"),
    "custom": _("Custom fields"),
}


@dataclass(frozen=True)
class Context:
    """What a compile may depend on besides the condition: the day it is evaluated (in
    Japan) and the segments being compiled (to stop a cycle)."""

    today: dt.date
    now: dt.datetime
    visiting: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Condition:
    """One validated condition: ``value`` already parsed to the field's type (a list for
    ``in`` / ``not_in``, None for ``is_set`` / ``not_set``); ``period_days`` limits a
    purchase or touch condition to the last N days (None: all time)."""

    field: str
    op: str
    value: object
    period_days: int | None = None


Compiler = Callable[[Condition, Context], Q]


@dataclass(frozen=True)
class Field:
    """A condition the rule builder offers. ``choices()`` gives ``(value, label)`` pairs
    for a choice field (read when a rule is validated or the builder drawn, so new tags
    and users appear at once); ``minimum`` / ``maximum`` bound a number; ``period``: the
    condition takes ``period_days``; ``unit`` is shown after a number (歳, 回, 円, 日);
    ``calendar``: the condition compares with today (an age, days since the last
    purchase), see :attr:`moves_with_calendar`."""

    key: str
    label: object
    group: str
    kind: str
    operators: Sequence[str]
    compile: Compiler
    choices: Callable[[], list[tuple[object, str]]] | None = None
    minimum: int | None = None
    maximum: int | None = None
    period: bool = False
    unit: object = ""
    help: object = ""
    extra: dict = field(default_factory=dict)
    calendar: bool = False

    @property
    def moves_with_calendar(self) -> bool:
        """Whether who meets the condition can change with no event, only because a day
        passed (an age, 「最終購入から90日以上」, a period of the last N days): the daily
        calendar refresh re-evaluates the segments that use such a condition."""
        return self.calendar or self.period


_fields: dict[str, Field] = {}
# Families of fields known only at run time ("custom.<key>" for each custom field):
# prefix -> (resolve(key) -> Field | None, every() -> list[Field]).
_families: dict[str, tuple[Callable[[str], Field | None], Callable[[], list[Field]]]] = {}


def register(f: Field) -> Field:
    """Make a condition available to rules (once per key; a second registration of the
    same key is a programming error, not an override)."""
    if f.key in _fields:
        raise ValueError(f"segment condition {f.key!r} is registered twice")
    if f.group not in GROUPS:
        raise ValueError(f"unknown condition group {f.group!r}")
    unknown = set(f.operators) - set(OPERATOR_LABELS)
    if unknown:
        raise ValueError(f"unknown operators {unknown} for {f.key!r}")
    _fields[f.key] = f
    return f


def register_family(
    prefix: str,
    resolve: Callable[[str], Field | None],
    every: Callable[[], list[Field]],
) -> None:
    """Fields named ``<prefix>.<key>`` resolved when used (custom fields)."""
    _families[prefix] = (resolve, every)


def get(key: str) -> Field | None:
    found = _fields.get(key)
    if found is not None or "." not in str(key):
        return found
    prefix, _dot, rest = str(key).partition(".")
    family = _families.get(prefix)
    return family[0](rest) if family else None


def fields() -> list[Field]:
    """Every field, registered ones first in registration order, then the families'."""
    found = list(_fields.values())
    for _resolve, every in _families.values():
        found += every()
    return found
