"""Rule trees: validating what a user or an integrator sent, and compiling it to a query.

A tree is ``{"all": [...]}`` (every item holds) or ``{"any": [...]}`` (at least one
holds); an item is a condition ``{"field", "op", "value"}`` (``period_days`` for the
fields that take a period) or another group. Validation reports every problem at once,
each under the path of the item (``rules.all.1.value``) with a stable code: the API's
422 carries the first problem's code (``unknown_field``, ``invalid_operator``,
``invalid_value``, ``invalid_group``, ``rules_too_large``, ``segment_cycle``) and all
the messages by path; the rule builder shows them beside the condition.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core.errors import ValidationFailed

from .registry import (
    CHOICE,
    CONTAINS,
    EQ,
    IN,
    LIST_OPERATORS,
    NE,
    NO_VALUE_OPERATORS,
    NUMBER,
    TEXT,
    Condition,
    Context,
    Field,
    get,
)

MAX_DEPTH = 5  # groups nested in groups: deeper trees are unreadable in the builder
MAX_ITEMS = 100  # conditions and groups in one tree
MAX_LIST = 500  # values of one "is one of"
MAX_PERIOD_DAYS = 36_500


@dataclass(frozen=True)
class Group:
    """A validated AND (``all``) or OR (``any``) group."""

    mode: str
    items: tuple[Group | Condition, ...]


class _Problems:
    def __init__(self) -> None:
        self.first_code = ""
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, code: str, message: str) -> None:
        self.first_code = self.first_code or code
        self.errors.setdefault(path, []).append(message)


def parse(tree, *, path: str = "rules") -> Group:
    """The validated form of ``tree``; :class:`ValidationFailed` (422) with every problem
    otherwise. Segment references are checked for existence and cycles by the service,
    which knows the segment being saved."""
    problems = _Problems()
    counter = [0]
    group = _group(tree, path, 1, problems, counter)
    if problems.errors:
        raise ValidationFailed(
            problems.errors,
            _("The segment's rules need attention."),
            code=problems.first_code,
        )
    assert group is not None
    return group


def _group(tree, path: str, depth: int, problems: _Problems, counter: list[int]) -> Group | None:
    if not isinstance(tree, dict) or len(tree) != 1 or next(iter(tree)) not in ("all", "any"):
        problems.add(
            path,
            "invalid_group",
            _('A group is {"all": [...]} (every condition) or {"any": [...]} (any of them).'),
        )
        return None
    mode, items = next(iter(tree.items()))
    if not isinstance(items, list):
        problems.add(f"{path}.{mode}", "invalid_group", _("A group holds a list of conditions."))
        return None
    if depth > MAX_DEPTH:
        problems.add(
            path,
            "rules_too_large",
            _("Groups can be nested at most %(depth)s deep.") % {"depth": MAX_DEPTH},
        )
        return None
    parsed: list[Group | Condition] = []
    for index, item in enumerate(items):
        counter[0] += 1
        item_path = f"{path}.{mode}.{index}"
        if counter[0] > MAX_ITEMS:
            problems.add(
                item_path,
                "rules_too_large",
                _("A segment holds at most %(count)s conditions.") % {"count": MAX_ITEMS},
            )
            break
        if isinstance(item, dict) and ("all" in item or "any" in item) and "field" not in item:
            sub = _group(item, item_path, depth + 1, problems, counter)
        else:
            sub = _condition(item, item_path, problems)
        if sub is not None:
            parsed.append(sub)
    return Group(mode, tuple(parsed))


def _condition(item, path: str, problems: _Problems) -> Condition | None:
    if not isinstance(item, dict):
        problems.add(path, "invalid_group", _("A condition is an object with field, op and value."))
        return None
    unknown_keys = set(item) - {"field", "op", "value", "period_days"}
    if unknown_keys:
        problems.add(
            path,
            "invalid_group",
            _("Unknown keys in a condition: %(keys)s.") % {"keys": ", ".join(sorted(unknown_keys))},
        )
        return None
    key = item.get("field")
    field = get(key) if isinstance(key, str) else None
    if field is None:
        problems.add(f"{path}.field", "unknown_field", _("There is no such condition."))
        return None
    op = item.get("op")
    if op not in field.operators:
        problems.add(
            f"{path}.op",
            "invalid_operator",
            _("“%(label)s” cannot be compared that way.") % {"label": field.label},
        )
        return None
    value = _value(field, op, item.get("value"), f"{path}.value", problems)
    period = _period(field, item.get("period_days"), f"{path}.period_days", problems)
    if value is _INVALID or period is _INVALID:
        return None
    return Condition(field.key, op, value, period)  # type: ignore[arg-type]  # checked above


_INVALID = object()


def _value(field: Field, op: str, raw, path: str, problems: _Problems):
    if op in NO_VALUE_OPERATORS:
        if raw not in (None, "", []):
            problems.add(path, "invalid_value", _("This comparison takes no value."))
            return _INVALID
        return None
    if op in LIST_OPERATORS:
        if not isinstance(raw, list) or not raw:
            problems.add(path, "invalid_value", _("Choose at least one value."))
            return _INVALID
        if len(raw) > MAX_LIST:
            problems.add(
                path, "invalid_value", _("Choose at most %(count)s values.") % {"count": MAX_LIST}
            )
            return _INVALID
        found = []
        for one in raw:
            parsed = _one_value(field, one)
            if parsed is _INVALID:
                problems.add(path, "invalid_value", _invalid_message(field))
                return _INVALID
            if parsed not in found:
                found.append(parsed)
        return found
    if op == CONTAINS and field.kind == CHOICE:  # part of a name (「東京」 in 東京都): text
        field = replace(field, kind=TEXT)
    parsed = _one_value(field, raw)
    if parsed is _INVALID:
        problems.add(path, "invalid_value", _invalid_message(field))
    return parsed


def _one_value(field: Field, raw):
    if isinstance(raw, bool) or raw is None or isinstance(raw, (list, dict)):
        return _INVALID
    if field.kind == NUMBER:
        number = _integer(raw)
        if number is None:
            return _INVALID
        if (field.minimum is not None and number < field.minimum) or (
            field.maximum is not None and number > field.maximum
        ):
            return _INVALID
        return number
    if field.kind == TEXT:
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        # NUL: PostgreSQL stores no such character, so nobody's value holds one
        return text if 0 < len(text) <= 200 and "\x00" not in text else _INVALID
    if field.kind == CHOICE:
        assert field.choices is not None, field.key
        wanted = unicodedata.normalize("NFKC", str(raw)).strip()
        for value, _label in field.choices():
            if str(value) == wanted:
                return value
        return _INVALID
    return _INVALID


def _integer(raw) -> int | None:
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    text = unicodedata.normalize("NFKC", str(raw)).replace(",", "").strip()
    try:
        return int(text)
    except ValueError:
        return None


def _invalid_message(field: Field) -> str:
    if field.kind == NUMBER:
        if field.minimum is not None and field.maximum is not None:
            return _("Enter a whole number from %(min)s to %(max)s.") % {
                "min": field.minimum,
                "max": field.maximum,
            }
        return _("Enter a whole number.")
    if field.kind == TEXT:
        return _("Enter some text (at most 200 characters).")
    return _("Choose one of the offered values.")


def _period(field: Field, raw, path: str, problems: _Problems):
    if raw in (None, ""):
        return None
    if not field.period:
        problems.add(path, "invalid_value", _("This condition takes no period."))
        return _INVALID
    days = None if isinstance(raw, bool) else _integer(raw)
    if days is None or not 1 <= days <= MAX_PERIOD_DAYS:
        problems.add(
            path,
            "invalid_value",
            _("Enter a number of days from 1 to %(max)s.") % {"max": MAX_PERIOD_DAYS},
        )
        return _INVALID
    return days


def referenced_segments(group: Group) -> list[int]:
    """The ids of the segments a tree names (the ``segment`` condition), in order."""
    found: list[int] = []
    for item in group.items:
        if isinstance(item, Group):
            found += [pk for pk in referenced_segments(item) if pk not in found]
        elif item.field == "segment":
            values = item.value if isinstance(item.value, list) else [item.value]
            found += [pk for pk in values if isinstance(pk, int) and pk not in found]
    return found


def compile_tree(group: Group, context: Context | None = None) -> Q:
    """The people a validated tree selects, as a ``Q`` on ``customers.Person``: an empty
    "all" group is everyone, an empty "any" group no one."""
    context = context or today_context()
    parts = []
    for item in group.items:
        if isinstance(item, Group):
            parts.append(compile_tree(item, context))
        else:
            field = get(item.field)
            if field is None:  # removed since the tree was saved: the condition holds for no one
                parts.append(Q(pk__in=[]))
            elif field.kind == NUMBER and item.op in LIST_OPERATORS:
                parts.append(_number_list(field, item, context))
            else:
                parts.append(field.compile(item, context))
    if not parts:
        return Q() if group.mode == "all" else Q(pk__in=[])
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part if group.mode == "all" else combined | part
    return combined


def _number_list(field: Field, item: Condition, context: Context) -> Q:
    """「30, 40 のいずれか」 on a number: each value's ``eq`` joined by OR; ``not_in`` is
    each ``ne`` joined by AND (so it includes the unknown, as ``ne`` does)."""
    values = item.value if isinstance(item.value, list) else [item.value]
    op = EQ if item.op == IN else NE
    parts = [field.compile(replace(item, op=op, value=v), context) for v in values]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined | part if op == EQ else combined & part
    return combined


def today_context() -> Context:
    return Context(today=timezone.localdate(), now=timezone.now())


def as_json(group: Group) -> dict:
    """A validated tree written back as JSON (values as parsed: ids as numbers, texts
    normalised), which is what the segment stores."""
    items: list[dict] = []
    for item in group.items:
        if isinstance(item, Group):
            items.append(as_json(item))
        else:
            one: dict = {"field": item.field, "op": item.op, "value": item.value}
            if item.period_days is not None:
                one["period_days"] = item.period_days
            items.append(one)
    return {group.mode: items}
