"""Customer search (the search box, ``GET /api/v1/customers``, the lists' ``q``): names and
readings through the n-gram index, romaji as kana, e-mail and phone fragments through
their own indexed columns — every kind merged into one 五十音順 list of hits.

A search is typed a character at a time, so its cost is mostly fixed overhead: the rows
it reads are few (the first page). The search box's whole answer — every kind of match
(:func:`daifuku.core.search.search_statement`, the owners of matching addresses and
numbers), merged, each customer once, and the names of the people and companies the
user may see (``restrict``'s compiled scope, :func:`.page.scope`) — is one
statement, prepared once per connection on PostgreSQL (:mod:`daifuku.core.prepared`):
there a statement cost 0.1–0.3 ms of round trip and as much again of planning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from daifuku.accounts.permissions import VIEW, restrict
from daifuku.core import prepared, search
from daifuku.core.japanese import (
    CompanyName,
    normalize_text,
    phone_digits,
    romaji_to_katakana,
    split_company_name,
)
from daifuku.core.pagination import decode_cursor, encode_cursor, invalid_cursor

from ..models import Company, EmailAddress, Person, PhoneNumber
from ..search_index import COMPANY, ENTITY_NAMES, PERSON
from ..serializers import full_kana, person_display_name
from .page import ids_condition, scope

SEARCH_CANDIDATE_CAP = 1000


@dataclass
class SearchResult:
    type: str
    id: int
    display_name: str
    kana: str


def _looks_like_phone(text: str) -> bool:
    digits = phone_digits(text)
    stripped = "".join(ch for ch in text if ch not in "0123456789+-() 　‐ー−")
    return len(digits) >= 3 and not stripped


def search_hits(
    query: str,
    *,
    types=(PERSON, COMPANY),
    after: tuple[int, int] | None = None,
    before: tuple[int, int] | None = None,
    limit: int = 20,
    within: tuple[str, list] | None = None,
    among: list[int] | None = None,
) -> tuple[list[search.Hit], bool]:
    """Hits for a search box query in 五十音順: by name/kana (n-gram index), romaji (as
    kana), email (address or domain prefix) and phone (first or last digits) — after the
    ``after`` cursor, or the ``limit`` nearest before the ``before`` cursor; and whether
    there are more that way. ``within`` narrows them to people meeting an SQL condition,
    ``among`` to a short list of people, as in :func:`daifuku.core.search.search`
    (``{entity_id}`` is the person's id). One statement."""
    statement = _hits_statement(
        query, types=types, after=after, before=before, limit=limit, within=within, among=among
    )
    if statement is None:
        return [], False
    # a list's ``within`` and ``among`` write ids into the statement: not worth preparing
    hits = search.run_hits(
        statement, limit=limit + 1, before=before, prepare=within is None and among is None
    )
    return _page(hits, limit, before)


def _page(hits: list[search.Hit], limit: int, before) -> tuple[list[search.Hit], bool]:
    """The ``limit`` hits nearest the cursor of ``limit + 1`` (in 五十音順), and whether
    there were more."""
    more = len(hits) > limit
    if more:
        hits = hits[1:] if before is not None else hits[:limit]
    return hits, more


def _hits_statement(
    query: str, *, types, after, before, limit: int, within, among
) -> search.Statement | None:
    """The statement of :func:`search_hits`: every kind of match merged, each customer
    once, the ``limit + 1`` nearest the cursor first. None when nothing can match."""
    text = normalize_text(query)
    if not text:
        return None
    if among is not None:  # integer ids from the database, written in (see core.search._among)
        within = (f"{{entity_id}} IN ({', '.join(str(int(pk)) for pk in among) or 'NULL'})", [])
    if within is not None:
        types = tuple(entity_type for entity_type in types if entity_type == PERSON)
    want = limit + 1
    # E-mail and phone fragments match in address/number order, not 五十音順: a first page
    # needs only ``want`` of them (a common domain has 170k addresses at a million people,
    # and sorting them all by reading cost 0.1–1 s); later pages look further ahead.
    cap = want if after is None and before is None else max(want, SEARCH_CANDIDATE_CAP)
    walk = {
        "entity_types": types,
        "after": after,
        "before": before,
        "limit": want,
        **({"among": among} if among is not None else {"within": within}),
    }
    parts: list[search.Statement | None] = []
    if _looks_like_phone(text):
        digits = phone_digits(text)
        ranges = [("digits", digits)]
        # The last digits are how shops look people up: 下4桁, or the subscriber part
        # without the area or mobile prefix (「1234-5678」 of 090-1234-5678) — an index
        # range of the reversed digits. Ten digits or more are a whole number: its start.
        if len(digits) <= 8:
            ranges.append(("digits_reversed", digits[::-1]))
        parts.append(_owners(PhoneNumber, ranges, types, cap, within))
    elif "@" in text:  # an e-mail address or domain: no name holds an @
        if any(ch.isalnum() for ch in text):
            parts.append(_owners(EmailAddress, _email_ranges(text.lower()), types, cap, within))
    else:
        name_query = text
        if COMPANY in types:
            parsed = split_company_name(text)
            if parsed.legal_form and parsed.base:
                name_query = parsed.base
        parts.append(search.search_statement(name_query, **walk))
        if text.isascii():
            kana = romaji_to_katakana(text)
            if kana:
                parts.append(search.search_statement(kana, **walk))
            if any(ch.isalnum() for ch in text) and ("." in text or len(text) >= 3):
                parts.append(_owners(EmailAddress, _email_ranges(text.lower()), types, cap, within))
    found = [part for part in parts if part is not None]
    return search.merged_statement(found, after=after, before=before, limit=want) if found else None


def _email_ranges(text: str) -> list[tuple[str, str]]:
    if text.startswith("@"):
        return [("domain", text[1:])]
    if "@" in text:
        return [("address", text)]
    return [("address", text), ("domain", text)]


# The order of each range's index: the first matches are the first in the index, so the
# walk stops at the cap (without an order PostgreSQL estimated a common prefix at a few
# rows and read all of them through a bitmap — 9,700 addresses for ``sato``, 6 ms).
_RANGE_ORDER = {
    "address": "address",
    "domain": "domain, address",
    "digits": "digits",
    "digits_reversed": "digits_reversed",
}


def _owners(
    model, ranges: list[tuple[str, str]], types, cap: int, within
) -> search.Statement | None:
    """The documents of the owners of the first ``cap`` addresses or numbers whose
    ``column`` starts with the prefix — one index range each, in index order — for
    :func:`core.search.merged_statement`. The cap applies before the owner's type: a cap
    per type walked a domain of 170k people's addresses for its companies."""
    if not types:
        return None
    table = model._meta.db_table
    firsts, params = [], []
    for index, (column, prefix) in enumerate(ranges):
        # A range instead of LIKE 'x%': an index range on both databases, no escaping.
        condition, range_params = f"{column} >= %s AND {column} < %s", [prefix, prefix + "\uffff"]
        if within is not None:  # people only (search_hits drops companies)
            condition += " AND " + within[0].replace("{entity_id}", f"{table}.person_id")
            range_params += within[1]
        firsts.append(
            f"SELECT * FROM (SELECT person_id, company_id FROM {table} WHERE {condition} "
            f"ORDER BY {_RANGE_ORDER[column]} LIMIT %s) AS first{index}"
        )
        params += [*range_params, cap]
    owners = (
        f"SELECT CASE WHEN person_id IS NULL THEN {COMPANY} ELSE {PERSON} END AS entity_type, "
        f"COALESCE(person_id, company_id) AS entity_id FROM ({' UNION ALL '.join(firsts)}) AS matched"
    )
    return search.documents_statement((owners, params), types)


def hit_cursor(cursor: str | None) -> tuple[int, int] | None:
    """A search cursor ``(sort_key, document_id)`` from its opaque form; 4xx when forged."""
    values = decode_cursor(cursor, 2)
    if values is None:
        return None
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        raise invalid_cursor()
    return values[0], values[1]


def search_customers(
    user, query: str, *, types=("person", "company"), cursor: str | None = None, limit: int = 20
) -> tuple[list[SearchResult], str | None]:
    """What the search box and ``GET /api/v1/customers?search=`` return: the hits the
    user may see, named, and the cursor of the next page."""
    type_codes = tuple(
        code for code, name in ((PERSON, "person"), (COMPANY, "company")) if name in types
    )
    statement = _hits_statement(
        query,
        types=type_codes,
        after=hit_cursor(cursor),
        before=None,
        limit=limit,
        within=None,
        among=None,
    )
    if statement is None:
        return [], None
    named = _named_statement(user, statement, type_codes) if prepared.one_statement_pays() else None
    if (
        named is None
    ):  # SQLite, or a permission policy that joins other tables: the names come second
        hits, more = _page(search.run_hits(statement, limit=limit + 1, prepare=True), limit, None)
        names = _names(user, hits)
    else:
        hits, names = _named_hits(named)
        hits, more = _page(hits, limit, None)
    results = [
        SearchResult(
            ENTITY_NAMES[hit.entity_type], hit.entity_id, *names[(hit.entity_type, hit.entity_id)]
        )
        for hit in hits
        if (hit.entity_type, hit.entity_id) in names
    ]
    next_cursor = encode_cursor(list(hits[-1].cursor)) if more and hits else None
    return results, next_cursor


# What a hit is called: (model, its four name columns, display name and reading from them).
_NAMED: dict[int, tuple[Any, tuple[str, ...], Callable]] = {
    PERSON: (
        Person,
        ("family_name", "given_name", "family_kana", "given_kana"),
        lambda a, b, c, d: (person_display_name(a, b), full_kana(c, d)),
    ),
    COMPANY: (
        Company,
        ("name", "legal_form", "legal_form_position", "kana"),
        lambda a, b, c, d: (CompanyName(a, b or None, c or None).display, d),
    ),
}


def _named_statement(user, statement: search.Statement, types) -> search.Statement | None:
    """The hits and the names of those the user may see (``restrict``) in one statement:
    a search is typed a character at a time, and on PostgreSQL every statement costs a
    round trip and its planning (0.2–0.5 ms each, as much as the search itself). None
    when a scope needs more than its own table (the names are then read second, as on
    SQLite: see :func:`daifuku.core.prepared.one_statement_pays`)."""
    sql, params = statement
    columns, joins = ["h.entity_type", "h.entity_id", "h.sort_key", "h.document_id"], []
    for entity_type, (model, names, _name) in _NAMED.items():
        if entity_type not in types:
            continue
        where = scope(restrict(model.objects.all(), user, VIEW))
        if where is None:
            return None
        table = f'"{model._meta.db_table}"'
        columns += [f"{table}.id", *(f"{table}.{column}" for column in names)]
        joins.append(
            f"LEFT JOIN {table} ON h.entity_type = {entity_type} AND {table}.id = h.entity_id "
            f"AND ({where[0]})"
        )
        params = [*params, *where[1]]
    return (
        f"SELECT {', '.join(columns)} FROM ({sql}) AS h {' '.join(joins)} "
        "ORDER BY h.sort_key, h.document_id",
        params,
    )


def _named_hits(
    statement: search.Statement,
) -> tuple[list[search.Hit], dict[tuple[int, int], tuple[str, str]]]:
    """Run :func:`_named_statement`: the hits in 五十音順, and the names of the visible ones."""
    with connection.cursor() as cursor:
        prepared.execute(cursor, *statement)
        rows = cursor.fetchall()
    hits, names = [], {}
    for entity_type, entity_id, sort_key, document_id, *named in rows:
        hits.append(search.Hit(entity_type, entity_id, sort_key, document_id))
        for offset in range(
            0, len(named), 5
        ):  # each joined model: its id, then its four name columns
            if named[offset] is not None:
                names[(entity_type, entity_id)] = _NAMED[entity_type][2](
                    *named[offset + 1 : offset + 5]
                )
    return hits, names


def _names(user, hits: list[search.Hit]) -> dict[tuple[int, int], tuple[str, str]]:
    """``(display name, reading)`` of the hits the user may see (``restrict``), people and
    companies in one statement: a search is typed a character at a time, and on
    PostgreSQL a round trip costs as much as the search itself."""
    parts, params, found = [], [], []
    for entity_type, (model, columns, _name) in _NAMED.items():
        ids = [hit.entity_id for hit in hits if hit.entity_type == entity_type]
        if not ids:
            continue
        restricted = restrict(model.objects.all(), user, VIEW)
        where = scope(restricted)
        if where is None:  # a permission policy that joins other tables: the ORM writes it
            found += [
                (entity_type, *row)
                for row in restricted.filter(pk__in=ids).values_list("pk", *columns)
            ]
            continue
        table = f'"{model._meta.db_table}"'
        condition, id_params = ids_condition(ids, model)
        parts.append(
            f"SELECT {entity_type}, {table}.id, {', '.join(f'{table}.{column}' for column in columns)} "
            f"FROM {table} WHERE ({where[0]}) AND {condition}"
        )
        params += [*where[1], *id_params]
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            found += cursor.fetchall()
    return {
        (entity_type, pk): _NAMED[entity_type][2](*columns) for entity_type, pk, *columns in found
    }
