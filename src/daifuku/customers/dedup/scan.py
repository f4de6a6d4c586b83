"""Finding duplicate candidates in the whole ledger (``daifuku dedup scan``).

Blocking: only records that share a blocking key are compared, so a million people cost
a few sorted GROUP BY queries, not a million squared comparisons. The keys come from data
the write path already normalised:

* people: the same email address; the same phone number (E.164); the same reading
  (``sort_kana``, katakana) with the same birthday; the same reading with the same postal
  code; for people without a reading, the same name with the same postal code;
* companies: the same name without legal form; the same email or phone.

Each pair within a block is scored (:mod:`.scoring`); pairs at or above the threshold that
nobody marked "not a duplicate" are joined into groups (a union-find). ``services.candidates.scan``
stores them in place of the open groups of the previous scan (groups found again keep
their id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

from django.db import connection

from daifuku.core.japanese import NO_READING as _NO_READING
from daifuku.core.japanese import search_key

from ..models import (
    Company,
    EmailAddress,
    NotDuplicate,
    Person,
    PhoneNumber,
)
from .records import load_companies, load_people
from .scoring import THRESHOLD, score_companies, score_people

BLOCK_CAP = 50  # a key shared by more records (a shop's phone number) says nothing
NO_READING = _NO_READING  # sort_kana (collation key) of people without a reading starts here


@dataclass
class ScanResult:
    entity_type: str
    pairs_compared: int
    pairs_matched: int
    groups: int
    new_groups: int

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _rows(sql: str, params=()) -> Iterator[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(10_000):
            yield from batch


def _blocks(rows: Iterable[tuple]) -> Iterator[list[int]]:
    """Rows ``(*key, id)`` sorted by key → lists of ids sharing the key."""
    current, ids = None, []
    for *key, pk in rows:
        key = tuple(key)
        if key != current:
            if len(ids) > 1:
                yield ids
            current, ids = key, []
        ids.append(pk)
    if len(ids) > 1:
        yield ids


def _contact_blocks(model, owner: str, column: str) -> Iterator[list[int]]:
    table = model._meta.db_table
    person_table = (Person if owner == "person_id" else Company)._meta.db_table
    sql = (
        f"SELECT c.{column}, c.{owner} FROM {table} c JOIN {person_table} p ON p.id = c.{owner} "
        f"WHERE p.deleted_at IS NULL AND c.{column} IN ("
        f"  SELECT {column} FROM {table} WHERE {owner} IS NOT NULL GROUP BY {column} HAVING COUNT(*) > 1"
        f") ORDER BY c.{column}, c.{owner}"
    )
    for ids in _blocks(_rows(sql)):
        yield sorted(set(ids))


def _person_blocks(columns: tuple[str, ...], extra: str) -> Iterator[list[int]]:
    table = Person._meta.db_table
    cols = ", ".join(columns)
    where = f"deleted_at IS NULL AND {extra}"
    sql = (
        f"SELECT {cols}, id FROM {table} WHERE {where} AND ({cols}) IN ("
        f"  SELECT {cols} FROM {table} WHERE {where} GROUP BY {cols} HAVING COUNT(*) > 1"
        f") ORDER BY {cols}, id"
    )
    yield from _blocks(_rows(sql, [NO_READING, NO_READING] if "%s" in extra else []))


def person_blocks() -> Iterator[list[int]]:
    yield from _contact_blocks(EmailAddress, "person_id", "address")
    yield from _contact_blocks(PhoneNumber, "person_id", "e164")
    yield from _person_blocks(("sort_kana", "birthday"), "birthday IS NOT NULL AND sort_kana < %s")
    yield from _person_blocks(("sort_kana", "postal_code"), "postal_code <> '' AND sort_kana < %s")
    yield from _person_blocks(
        ("family_name", "given_name", "postal_code"), "postal_code <> '' AND sort_kana >= %s"
    )


def company_blocks() -> Iterator[list[int]]:
    yield from _contact_blocks(EmailAddress, "company_id", "address")
    yield from _contact_blocks(PhoneNumber, "company_id", "e164")
    by_name: dict[str, list[int]] = defaultdict(list)
    for pk, name in Company.objects.values_list("id", "name").iterator(chunk_size=10_000):
        by_name[search_key(name)].append(pk)
    yield from (ids for ids in by_name.values() if len(ids) > 1)


def _pairs(blocks: Iterable[list[int]]) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for ids in blocks:
        if len(ids) <= BLOCK_CAP:
            pairs.update(combinations(sorted(ids), 2))
    return pairs


def matching_pairs(
    entity_type: str, *, progress=None
) -> tuple[int, dict[tuple[int, int], tuple[int, list[str]]]]:
    """All candidate pairs with their score and reasons (threshold applied, decisions
    "not a duplicate" respected): ``(pairs compared, {(a, b): (score, reasons)})``."""
    pairs = _pairs(person_blocks() if entity_type == "person" else company_blocks())
    dismissed = set(
        NotDuplicate.objects.filter(entity_type=entity_type).values_list("first_id", "second_id")
    )
    pairs -= dismissed
    ordered = sorted(pairs)
    matched: dict[tuple[int, int], tuple[int, list[str]]] = {}
    loader, scorer = (
        (load_people, score_people)
        if entity_type == "person"
        else (load_companies, score_companies)
    )
    step = 20_000
    for start in range(0, len(ordered), step):
        chunk = ordered[start : start + step]
        records = loader({pk for pair in chunk for pk in pair})
        for a, b in chunk:
            if a in records and b in records:
                score, reasons = scorer(records[a], records[b])
                if score >= THRESHOLD:
                    matched[(a, b)] = (score, reasons)
        if progress:
            progress(min(start + step, len(ordered)), len(ordered))
    return len(ordered), matched


def group_pairs(matched: dict[tuple[int, int], tuple[int, list[str]]]) -> list[dict]:
    """Union-find: connected pairs become one group with the best score and all reasons."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in matched:
        parent[find(a)] = find(b)
    groups: dict[int, dict] = {}
    for (a, b), (score, reasons) in matched.items():
        group = groups.setdefault(
            find(a), {"members": set(), "score": 0, "reasons": [], "pairs": []}
        )
        group["members"].update((a, b))
        group["score"] = max(group["score"], score)
        group["reasons"] = sorted(set(group["reasons"]) | set(reasons))
        group["pairs"].append({"a": a, "b": b, "score": score, "reasons": reasons})
    return [{**g, "members": sorted(g["members"])} for g in groups.values()]


def group_key(entity_type: str, members: Iterable[int]) -> str:
    return f"{entity_type}:" + ",".join(str(m) for m in sorted(members))
