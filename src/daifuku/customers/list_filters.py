"""Filters of the people list that a higher domain provides (the list cannot import it):
``?segment=<id>`` narrows the list, its count and its export to a marketing segment.

``register(param, narrowing, label)``: ``narrowing(user, raw)`` is a ``Q`` on people (or
None: no narrowing), ``label(user, raw)`` the words the list shows for it
(「セグメント: 優良顧客」). Registered in the providing app's ``AppConfig.ready()``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

Narrowing = Callable[[object, str], Q | None]
Label = Callable[[object, str], str]


@dataclass(frozen=True)
class ListFilter:
    param: str
    narrowing: Narrowing
    label: Label


_filters: dict[str, ListFilter] = {}


def register(param: str, narrowing: Narrowing, label: Label) -> None:
    _filters[param] = ListFilter(param, narrowing, label)


def from_query(user, query) -> tuple[Q | None, list[str]]:
    """The narrowing of the request's query parameters (all registered filters ANDed)
    and the labels to show; ``(None, [])`` when none is given."""
    found: Q | None = None
    labels: list[str] = []
    for param, item in _filters.items():
        raw = (query.get(param) or "").strip()
        if not raw:
            continue
        q = item.narrowing(user, raw)
        if q is None:
            continue
        found = q if found is None else found & q
        labels.append(item.label(user, raw))
    return found, labels


def params() -> list[str]:
    return list(_filters)


# --- selecting people on the list for a higher domain -------------------------------------
# ``?add_to=<id>`` (marketing: a fixed list): the list shows a checkbox per row and a button
# that posts the chosen ids to the providing domain's URL.


@dataclass(frozen=True)
class Selection:
    label: str  # the button: 「選んだ顧客を「招待リスト」に追加」
    action: str  # where the chosen ``person`` ids are posted
    param: str
    value: str


SelectionResolver = Callable[[object, str], tuple[str, str] | None]
_selections: dict[str, SelectionResolver] = {}


def register_selection(param: str, resolve: SelectionResolver) -> None:
    """``resolve(user, raw)`` -> ``(button label, action URL)``, or None when the user may
    not select for that target."""
    _selections[param] = resolve


def selection_from_query(user, query) -> Selection | None:
    for param, resolve in _selections.items():
        raw = (query.get(param) or "").strip()
        if raw:
            found = resolve(user, raw)
            if found is not None:
                return Selection(found[0], found[1], param, raw)
    return None
