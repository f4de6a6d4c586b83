"""The people list's filters, and its pages as plain rows from hand-written SQL.

The API's list of 20 people is the hottest read of an integration (issue 2: at most
1.5 ms of CPU per request), and for it the ORM spent more CPU compiling the page query
than the database spent running it. So the page is written here as SQL once; what a user
may see still comes from ``restrict()``: the WHERE clause of the restricted queryset is
compiled on its own (:func:`scope`) and ANDed into the hand-written query. A policy that
needs another table makes :func:`scope` return None and the caller keeps to the ORM.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Exact

from daifuku.core import db, search
from daifuku.core.fixed_query import converter
from daifuku.core.pagination import Page, decode_cursor, encode_cursor, invalid_cursor

from .. import list_extensions
from ..models import Person

PERSON_SORTS = {
    "kana": ["sort_kana", "id"],
    "-kana": ["-sort_kana", "-id"],
    "created": ["-created_at", "-id"],
    "updated": ["-updated_at", "-id"],
}
PERSON_TABLE = f'"{Person._meta.db_table}"'
TAGS_TABLE = Person.tags.through._meta.db_table
Condition = tuple[str, list]


def _owner_is(owner_id: int) -> Exact:
    """``owner_id = X`` as an expression: the plain ``filter(owner_id=X)`` turns the list's
    ``select_related("owner")`` into an INNER JOIN, which SQLite then reorders to scan the
    users first and sort every customer of the owner (0.6 s for a rep owning 1M); with
    the LEFT JOIN kept, the page walks ``person_owner_kana_idx`` in 五十音順."""
    return Exact(F("owner_id"), owner_id)


@dataclass
class PersonFilters:
    """What the people list is narrowed to: a search (``q``) and the structured filters."""

    q: str = ""
    owner: int | None = None
    team: int | None = None
    lifecycle: str = ""
    stage: str = ""
    tag: int | None = None
    prefecture: str = ""
    # people picked elsewhere (a dashboard's bar or cell, ``core.selections``), resolved
    # by the view; None = no such selection
    ids: tuple[int, ...] | None = None
    selection: str = ""  # the selection's token, kept in the list's links
    selection_label: str = ""

    # a narrowing given by a higher domain (customers.list_filters: a marketing segment)
    within: Q | None = None
    # filters other domains registered (customers.list_extensions): {parameter: value}
    extra: dict[str, str] = field(default_factory=dict)

    def apply(self, qs: QuerySet) -> QuerySet:
        """The structured filters on a queryset of people (``q`` is the caller's)."""
        if self.within is not None:
            qs = qs.filter(self.within)
        if self.ids is not None:
            qs = qs.filter(pk__in=list(self.ids))
        if self.owner:
            qs = qs.filter(_owner_is(self.owner))
        if self.team:
            qs = qs.filter(team_id=self.team)
        if self.lifecycle:
            qs = qs.filter(lifecycle=self.lifecycle)
        if self.stage:
            qs = qs.filter(relationship_stage=self.stage)
        if self.tag:
            qs = qs.filter(tags__id=self.tag)
        if self.prefecture:
            qs = qs.filter(prefecture=self.prefecture)
        for sql, params in list_extensions.conditions(self.extra):
            qs = qs.filter(pk__in=RawSQL(sql, params))
        return qs

    @property
    def structured(self) -> bool:
        return (
            self.ids is not None
            or self.within is not None
            or any((self.owner, self.team, self.lifecycle, self.stage, self.tag, self.prefecture))
            or bool(list_extensions.conditions(self.extra))
        )

    def conditions(self) -> list[Condition]:
        """The structured filters as SQL conditions on the people table (what :meth:`apply`
        does, for hand-written queries)."""
        found: list[Condition] = []
        if self.ids is not None:
            found.append(
                (f"{PERSON_TABLE}.id IN ({', '.join(['%s'] * len(self.ids))})", list(self.ids))
                if self.ids
                else ("1 = 0", [])
            )
        for value, column in (
            (self.owner, "owner_id"),
            (self.team, "team_id"),
            (self.lifecycle, "lifecycle"),
            (self.stage, "relationship_stage"),
            (self.prefecture, "prefecture"),
        ):
            if value:
                found.append((f"{PERSON_TABLE}.{column} = %s", [value]))
        if self.tag:
            found.append(
                (
                    f"{PERSON_TABLE}.id IN (SELECT person_id FROM {TAGS_TABLE} WHERE tag_id = %s)",
                    [self.tag],
                )
            )
        if self.within is not None:
            sql, params = Person.objects.filter(self.within).values("pk").query.sql_with_params()
            found.append((f"{PERSON_TABLE}.id IN ({sql})", list(params)))
        for sql, params in list_extensions.conditions(self.extra):
            found.append((f"{PERSON_TABLE}.id IN ({sql})", list(params)))
        return found


def scope(qs: QuerySet) -> Condition | None:
    """The WHERE clause of a restricted queryset (people, companies) as one SQL condition
    on its own table, or None when it needs more than that table (another policy's join)."""
    query = qs.query
    table = qs.model._meta.db_table
    joined = any(count for alias, count in query.alias_refcount.items() if alias != table)
    if joined or query.annotations or query.extra or query.distinct:
        return None
    # Compiled once per distinct clause (restrict() gives every user of a role the same
    # one): compiling cost more than the page query it goes into. WHERE trees compare
    # and hash by value, parameters included.
    key = (connection.alias, connection.vendor, table, query.where)
    found = _SCOPES.get(key)
    if found is None:
        if len(_SCOPES) >= 512:
            _SCOPES.clear()
        found = _SCOPES[key] = _compile(query)
    return found[0], list(found[1])


_SCOPES: dict = {}


def _compile(query) -> tuple[str, tuple]:
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:  # restrict() gave nothing (an inactive user)
        return "1 = 0", ()
    except FullResultSet:
        return "1 = 1", ()
    return (sql or "1 = 1"), tuple(params)


def person_condition(where: Sequence[Condition]) -> Condition:
    """``where`` as a condition on another table's person id (``{entity_id}`` stands for
    that column): how a search is narrowed to the people a list may show."""
    sql = " AND ".join(f"({part})" for part, _params in where) or "1 = 1"
    params = [value for _part, part_params in where for value in part_params]
    return search.probe(
        f"SELECT 1 FROM {PERSON_TABLE} WHERE {PERSON_TABLE}.id = {{entity_id}} AND {sql}"
    ), params


def rows_page(
    where: Sequence[Condition],
    columns: Sequence[str],
    ordering: Sequence[str],
    *,
    cursor: str | None,
    size: int,
    extras: bool = False,
) -> Page:
    """One page of people as dicts of ``columns`` (attribute names) in ``ordering`` (as
    :func:`daifuku.core.pagination.keyset_page`, forwards only), in one query: the same
    keyset condition, the same cursors."""
    fields = [name.lstrip("-") for name in ordering]
    descending = [name.startswith("-") for name in ordering]
    names = tuple(columns) + tuple(name for name in fields if name not in columns)
    values = decode_cursor(cursor, len(fields))
    parts = [f"({part})" for part, _params in where]
    params = [value for _part, part_params in where for value in part_params]
    if values is not None:
        prepared = [_cursor_value(name, value) for name, value in zip(fields, values, strict=True)]
        # The same shape as keyset_page: a leading bound on the first column (the index
        # range starts at the cursor), then "after" in the ordering.
        parts.append(f"{PERSON_TABLE}.{fields[0]} {'<=' if descending[0] else '>='} %s")
        params.append(prepared[0])
        after = []
        for index, name in enumerate(fields):
            equal = [f"{PERSON_TABLE}.{fields[before]} = %s" for before in range(index)]
            after.append(
                " AND ".join(
                    [*equal, f"{PERSON_TABLE}.{name} {'<' if descending[index] else '>'} %s"]
                )
            )
            params += [*prepared[:index], prepared[index]]
        parts.append("(" + " OR ".join(f"({clause})" for clause in after) + ")")
    order = ", ".join(
        f"{PERSON_TABLE}.{name} {'DESC' if down else 'ASC'}"
        for name, down in zip(fields, descending, strict=True)
    )
    found = select_rows(
        [(" AND ".join(parts) or "1 = 1", params)],
        names,
        f"ORDER BY {order} LIMIT %s",
        [size + 1],
        extras=extras,
    )
    items = found[:size]
    next_cursor = _position(items[-1], fields) if items and len(found) > size else None
    previous_cursor = _position(items[0], fields) if items and values is not None else None
    return Page(
        items=items,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        has_next=len(found) > size,
    )


def select_rows(
    where: Sequence[Condition],
    names: Sequence[str],
    tail: str = "",
    tail_params: Sequence = (),
    *,
    model=Person,
    extras: bool = False,
) -> list[dict]:
    """Rows of ``model`` (people unless told) meeting every condition of ``where``, as
    dicts of ``names`` (attribute names), converted as the ORM would; ``tail`` is what
    follows the WHERE clause. ``extras`` (people only): each row also gets what the list
    shows beside the person's own columns — ``email`` and ``phone`` (the primary ones),
    ``owner`` (username or None), ``tags`` (names, sorted) and ``updated_at_json`` (the
    JSON text of ``updated_at``) — from the same statement."""
    names = tuple(names)
    wrapper = connections[DEFAULT_DB_ALIAS]  # once: each use of ``connection`` looks it up again
    table, select = _select_clause(model, names, extras, wrapper.vendor)
    condition = " AND ".join(f"({part})" for part, _params in where) or "1 = 1"
    params = [value for _part, part_params in where for value in part_params]
    with wrapper.cursor() as db_cursor:
        db_cursor.execute(
            f"SELECT {select} FROM {table} WHERE {condition} {tail}", [*params, *tail_params]
        )
        found = db_cursor.fetchall()
    convert = converter(model, names, wrapper=wrapper)
    if not extras:
        return [dict(zip(names, convert(row), strict=True)) for row in found]
    width = len(names)
    json_timestamp = db.json_timestamp_reader()
    result = []
    for row in found:
        item = dict(zip(names, convert(row[:width]), strict=True))
        item["email"], item["phone"], item["owner"], tags, updated = row[width:]
        item["tags"] = sorted(db.json_array(tags))
        item["updated_at_json"] = json_timestamp(updated)
        result.append(item)
    return result


@functools.lru_cache(maxsize=256)
def _select_clause(model, names: tuple[str, ...], extras: bool, vendor: str) -> tuple[str, str]:
    table = f'"{model._meta.db_table}"'
    select = ", ".join(f"{table}.{model._meta.get_field(name).column}" for name in names)
    return table, select + (_extras_sql(vendor) if extras else "")


@functools.cache
def _extras_sql(vendor: str) -> str:
    """The list's extras of each person as correlated subqueries: one statement instead of
    a second round trip (on PostgreSQL the driver's CPU per statement is most of what an
    API page costs). The primary e-mail and phone with the lowest id, as the ORM list's
    subqueries take them."""
    from daifuku.accounts.models import User

    from ..models import EmailAddress, PhoneNumber, Tag

    person = f"{PERSON_TABLE}.id"
    tags = db.json_array_agg("t.name")
    return (
        f", (SELECT e.address FROM {EmailAddress._meta.db_table} e WHERE e.person_id = {person} AND e.is_primary"
        f" ORDER BY e.id LIMIT 1)"
        f", (SELECT n.number FROM {PhoneNumber._meta.db_table} n WHERE n.person_id = {person} AND n.is_primary"
        f" ORDER BY n.id LIMIT 1)"
        f", (SELECT u.username FROM {User._meta.db_table} u WHERE u.id = {PERSON_TABLE}.owner_id)"
        f", (SELECT {tags} FROM {TAGS_TABLE} pt JOIN {Tag._meta.db_table} t ON t.id = pt.tag_id"
        f" WHERE pt.person_id = {person})"
        f", {db.json_timestamp_sql(f'{PERSON_TABLE}.updated_at')}"
    )


def ids_condition(ids: Sequence[int], model=Person) -> Condition:
    return f'"{model._meta.db_table}".id IN ({", ".join(["%s"] * len(ids)) or "NULL"})', list(ids)


def _cursor_value(name: str, value):
    field = Person._meta.get_field(name)
    try:
        return field.get_db_prep_value(value, connection, prepared=False)  # type: ignore[union-attr]  # a column
    except (DjangoValidationError, TypeError, ValueError) as exc:
        raise invalid_cursor() from exc


def _position(row: dict, fields: Sequence[str]) -> str:
    return encode_cursor(
        [row[name].isoformat() if hasattr(row[name], "isoformat") else row[name] for name in fields]
    )
