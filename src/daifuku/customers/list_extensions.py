"""Filters, sort keys and export columns that other domains add to the people list.

Customers sits below the domains that compute things about a customer (analytics: rank,
RFM, LTV, predicted CLV), so it cannot import them; they register here from their
``AppConfig.ready()`` instead, and the list, its count, its search narrowing and the
export pick them up:

* :class:`ListFilter` — a query parameter (``?rank=3``) whose value becomes a SQL
  subquery returning the ids of the people it keeps (``SELECT person_id FROM … WHERE …``);
  used by the ORM paths (``pk__in``) and the hand-written ones (``id IN (…)``) alike;
* :class:`ListSort` — a sort key (``?sort=-ltv``) as an ORM expression on Person,
  annotated under ``alias`` and paged by keyset like the built-in sorts;
* :class:`ExportColumn` — a column of the export, filled per chunk of people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ListFilter:
    key: str  # the query parameter
    label: Any  # a (lazy) translated label
    choices: Callable[[], list[tuple[str, str]]]  # the select's options (value, label)
    subquery: Callable[[str], tuple[str, list] | None]  # value → SQL of person ids (None: ignore)
    order: int = 100


@dataclass(frozen=True)
class ListSort:
    key: str  # the value of ?sort=
    label: Any
    alias: str  # the annotation's name (unique among the sorts)
    expression: Callable[[], Any]  # an ORM expression on Person, never NULL (Coalesce)
    descending: bool = True
    order: int = 100

    @property
    def ordering(self) -> list[str]:
        sign = "-" if self.descending else ""
        return [f"{sign}{self.alias}", f"{sign}id"]


@dataclass(frozen=True)
class ExportColumn:
    header: str  # Japanese business wording, as the export's own columns
    values: Callable[[list[int]], dict[int, str]]  # person ids → cell text
    order: int = 100


_filters: dict[str, ListFilter] = {}
_sorts: dict[str, ListSort] = {}
_columns: dict[str, ExportColumn] = {}


def register_filter(item: ListFilter) -> None:
    _filters[item.key] = item


def register_sort(item: ListSort) -> None:
    _sorts[item.key] = item


def register_export_column(item: ExportColumn) -> None:
    _columns[item.header] = item


def filters() -> list[ListFilter]:
    return sorted(_filters.values(), key=lambda f: (f.order, f.key))


def sorts() -> list[ListSort]:
    return sorted(_sorts.values(), key=lambda s: (s.order, s.key))


def sort(key: str) -> ListSort | None:
    return _sorts.get(key)


def export_columns() -> list[ExportColumn]:
    return sorted(_columns.values(), key=lambda c: (c.order, c.header))


def filter_values(params: Mapping[str, str]) -> dict[str, str]:
    """The registered filters set in ``params`` (a request's GET): ``{key: value}``."""
    found = {}
    for item in _filters.values():
        value = str(params.get(item.key, "") or "").strip()
        if value:
            found[item.key] = value
    return found


def conditions(values: Mapping[str, str]) -> list[tuple[str, list]]:
    """``[(subquery SQL, params)]`` for the set filters (values a filter refuses are ignored
    like the built-in filters' unknown values)."""
    found = []
    for key, value in values.items():
        item = _filters.get(key)
        made = item.subquery(value) if item is not None else None
        if made is not None:
            found.append(made)
    return found
