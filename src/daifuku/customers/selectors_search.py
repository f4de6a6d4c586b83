"""Customer search (the search box, ``GET /api/v1/customers``, the lists' ``q``): names and
readings through the n-gram index, romaji as kana, e-mail and phone fragments through
their own indexed columns — every kind merged into one 五十音順 list of hits.

A search is typed a character at a time, so its cost is mostly fixed overhead: the rows
it reads are few (the first page), and the ORM spent more CPU building those queries
and model instances than the database spent answering them. Here every read is one
hand-written statement: the hits; for e-mail and phone fragments, their owners'
documents (:func:`daifuku.core.search.documents_of`); then the names of people and
companies together, through ``restrict``'s compiled scope (:func:`.selectors_page.scope`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from daifuku.accounts.permissions import VIEW, restrict
from daifuku.core import search
from daifuku.core.japanese import (
    CompanyName,
    normalize_text,
    phone_digits,
    romaji_to_katakana,
    split_company_name,
)
from daifuku.core.pagination import decode_cursor, encode_cursor, invalid_cursor

from .models import Company, EmailAddress, Person, PhoneNumber
from .search_index import COMPANY, ENTITY_NAMES, PERSON
from .selectors_page import ids_condition, scope
from .serializers import full_kana, person_display_name

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


def search_hits(query: str, *, types=(PERSON, COMPANY), after: tuple[int, int] | None = None,
                before: tuple[int, int] | None = None, limit: int = 20,
                within: tuple[str, list] | None = None,
                among: list[int] | None = None) -> tuple[list[search.Hit], bool]:
    """Hits for a search box query in 五十音順: by name/kana (n-gram index), romaji (as
    kana), email (address or domain prefix) and phone (first or last digits) — after the
    ``after`` cursor, or the ``limit`` nearest before the ``before`` cursor; and whether
    there are more that way. ``within`` narrows them to people meeting an SQL condition,
    ``among`` to a short list of people, as in :func:`daifuku.core.search.search`
    (``{entity_id}`` is the person's id)."""
    text = normalize_text(query)
    if not text:
        return [], False
    if among is not None:  # integer ids from the database, written in (see core.search._among)
        within = (f"{{entity_id}} IN ({', '.join(str(int(pk)) for pk in among) or 'NULL'})", [])
    if within is not None:
        types = tuple(entity_type for entity_type in types if entity_type == PERSON)
    found: dict[tuple[int, int], search.Hit] = {}
    want = limit + 1
    # E-mail and phone fragments match in address/number order, not 五十音順: a first page
    # needs only ``want`` of them (a common domain has 170k addresses at a million people,
    # and sorting them all by reading cost 0.1–1 s); later pages look further ahead.
    cap = want if after is None and before is None else max(want, SEARCH_CANDIDATE_CAP)
    walk = {"entity_types": types, "after": after, "before": before, "limit": want,
            **({"among": among} if among is not None else {"within": within})}
    if _looks_like_phone(text):
        digits = phone_digits(text)
        ranges = [("digits", digits)]
        if len(digits) <= 4:  # 電話番号の下4桁: the last digits are how shops look people up
            ranges.append(("digits_reversed", digits[::-1]))
        owners = _owners(PhoneNumber, ranges, types, cap, within)
    elif "@" in text:  # an e-mail address or domain: no name holds an @
        owners = (_owners(EmailAddress, _email_ranges(text.lower()), types, cap, within)
                  if any(ch.isalnum() for ch in text) else [])
    else:
        name_query = text
        if COMPANY in types:
            parsed = split_company_name(text)
            if parsed.legal_form and parsed.base:
                name_query = parsed.base
        for hit in search.search(name_query, **walk):
            found[(hit.entity_type, hit.entity_id)] = hit
        owners = []
        if text.isascii():
            kana = romaji_to_katakana(text)
            if kana:
                for hit in search.search(kana, **walk):
                    found[(hit.entity_type, hit.entity_id)] = hit
            if any(ch.isalnum() for ch in text) and ("." in text or len(text) >= 3):
                owners = _owners(EmailAddress, _email_ranges(text.lower()), types, cap, within)
    for hit in search.documents_of(owners):
        found.setdefault((hit.entity_type, hit.entity_id), hit)
    hits = sorted(found.values(), key=lambda h: (h.sort_key, h.document_id))
    if after is not None:
        hits = [h for h in hits if (h.sort_key, h.document_id) > tuple(after)]
    if before is not None:
        hits = [h for h in hits if (h.sort_key, h.document_id) < tuple(before)]
        return hits[-limit:], len(hits) > limit
    return hits[:limit], len(hits) > limit


def _email_ranges(text: str) -> list[tuple[str, str]]:
    if text.startswith("@"):
        return [("domain", text[1:])]
    if "@" in text:
        return [("address", text)]
    return [("address", text), ("domain", text)]


def _owners(model, ranges: list[tuple[str, str]], types, cap: int, within) -> list[tuple[int, str, list]]:
    """Per entity type, SQL selecting the owners among the first ``cap`` addresses or
    numbers whose ``column`` starts with the prefix — one index range each, in index
    order (no ORDER BY: the models' default ordering sorted every match of a common
    domain before the cap applied, 1.2 s at a million people; and the cap before the
    owner's type, or a domain of 170k people's addresses is walked for its companies) —
    for :func:`core.search.documents_of`."""
    table = model._meta.db_table
    firsts = []
    for column, prefix in ranges:
        # A range instead of LIKE 'x%': an index range on both databases, no escaping.
        condition, params = f"{column} >= %s AND {column} < %s", [prefix, prefix + "\uffff"]
        if within is not None:  # people only (search_hits drops companies)
            condition += " AND " + within[0].replace("{entity_id}", f"{table}.person_id")
            params += within[1]
        firsts.append((f"SELECT person_id, company_id FROM {table} WHERE {condition} LIMIT %s", [*params, cap]))
    selections = []
    for entity_type, owner in ((PERSON, "person_id"), (COMPANY, "company_id")):
        if entity_type in types:
            sql = " UNION ALL ".join(f"SELECT {owner} FROM ({first}) o{index} WHERE {owner} IS NOT NULL"
                                     for index, (first, _params) in enumerate(firsts))
            selections.append((entity_type, sql, [value for _first, params in firsts for value in params]))
    return selections


def hit_cursor(cursor: str | None) -> tuple[int, int] | None:
    """A search cursor ``(sort_key, document_id)`` from its opaque form; 4xx when forged."""
    values = decode_cursor(cursor, 2)
    if values is None:
        return None
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        raise invalid_cursor()
    return values[0], values[1]


def search_customers(user, query: str, *, types=("person", "company"), cursor: str | None = None,
                     limit: int = 20) -> tuple[list[SearchResult], str | None]:
    """What the search box and ``GET /api/v1/customers?search=`` return: the hits the
    user may see, named, and the cursor of the next page."""
    type_codes = tuple(code for code, name in ((PERSON, "person"), (COMPANY, "company")) if name in types)
    hits, more = search_hits(query, types=type_codes, after=hit_cursor(cursor), limit=limit)
    names = _names(user, hits)
    results = [SearchResult(ENTITY_NAMES[hit.entity_type], hit.entity_id, *names[(hit.entity_type, hit.entity_id)])
               for hit in hits if (hit.entity_type, hit.entity_id) in names]
    next_cursor = encode_cursor(list(hits[-1].cursor)) if more and hits else None
    return results, next_cursor


# What a hit is called: (model, its four name columns, display name and reading from them).
_NAMED = {
    PERSON: (Person, ("family_name", "given_name", "family_kana", "given_kana"),
             lambda a, b, c, d: (person_display_name(a, b), full_kana(c, d))),
    COMPANY: (Company, ("name", "legal_form", "legal_form_position", "kana"),
              lambda a, b, c, d: (CompanyName(a, b or None, c or None).display, d)),
}


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
            found += [(entity_type, *row) for row in restricted.filter(pk__in=ids).values_list("pk", *columns)]
            continue
        table = f'"{model._meta.db_table}"'
        condition, id_params = ids_condition(ids, model)
        parts.append(f"SELECT {entity_type}, {table}.id, {', '.join(f'{table}.{column}' for column in columns)} "
                     f"FROM {table} WHERE ({where[0]}) AND {condition}")
        params += [*where[1], *id_params]
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            found += cursor.fetchall()
    return {(entity_type, pk): _NAMED[entity_type][2](*columns) for entity_type, pk, *columns in found}
