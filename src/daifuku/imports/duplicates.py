"""Probable duplicates of the rows a dry run would create: "this row looks like 田中 太郎
(#123, tanaka@…)", before anything is saved.

The lookup is the one 名寄せ makes (customers.dedup): blocking keys find candidates —
people: the same email, the same phone (E.164), the same reading with the same birthday
or postal code, and for rows without a reading the same name with the same birthday or
postal code; companies: the same corporate number, name without legal form, email or
phone — and ``score_people`` / ``score_companies`` decide, with their reasons. What
differs is the batching: a dry run asks once per kind of key for a whole batch of rows
(thousands), not once per row, so a dry run of a large file stays a dry run and not an
afternoon of round trips.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Q

from daifuku.core.japanese import reading_collation_key
from daifuku.customers.dedup.records import company_record, load_companies, load_people
from daifuku.customers.dedup.scan import BLOCK_CAP
from daifuku.customers.dedup.scoring import (
    PROBABLE_THRESHOLD,
    person_record,
    score_companies,
    score_people,
)
from daifuku.customers.dedup.selectors import CHECK_LIMIT, visible_candidates
from daifuku.customers.models import Company, EmailAddress, Person, PhoneNumber

# Values per query: far under SQLite's (32,766) and PostgreSQL's (65,535) bound-parameter
# limits even for the two-column keys, and one query per kind of key for a 10,000-row batch.
VALUES_PER_QUERY = 10_000
STRONG = {
    "email",
    "phone",
    "corporate_number",
}  # shown whatever the score (as the create form does)


def _chunks(values: Iterable, size: int = VALUES_PER_QUERY) -> Iterable[list]:
    values = sorted(set(values), key=str)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _owners(model, column: str, owner: str, values: Iterable[str]) -> dict[tuple, set[int]]:
    """``{(column, value): {owner ids}}`` for the contact points (emails, phones) in ``values``."""
    found: dict[tuple, set[int]] = defaultdict(set)
    for chunk in _chunks(values):
        rows = model.objects.filter(
            **{f"{column}__in": chunk, f"{owner}__isnull": False}
        ).values_list(column, owner)
        for value, pk in rows:
            found[(column, value)].add(pk)
    return found


def _pairs(kind: str, first: str, second: str, wanted: set[tuple]) -> dict[tuple, set[int]]:
    """People whose ``(first, second)`` columns equal one of the ``wanted`` pairs. Asked as
    ``first IN (…) AND second IN (…)`` and narrowed here: portable, and the index on the
    first column (the reading or the name) does the work."""
    found: dict[tuple, set[int]] = defaultdict(set)
    for chunk in _chunks(wanted, VALUES_PER_QUERY // 2):
        rows = Person.objects.filter(
            **{f"{first}__in": {a for a, _b in chunk}, f"{second}__in": {b for _a, b in chunk}}
        )
        for a, b, pk in rows.values_list(first, second, "pk"):
            if (a, b) in wanted:
                found[(kind, a, b)].add(pk)
    return found


def _names(wanted: set[tuple]) -> dict[tuple, set[int]]:
    """People without a reading: the same family and given name with the same birthday or
    postal code (``("name_birthday" | "name_postal", family, given, value)``)."""
    found: dict[tuple, set[int]] = defaultdict(set)
    for chunk in _chunks(wanted, VALUES_PER_QUERY // 3):
        values = {
            kind: {v for k, _f, _g, v in chunk if k == kind}
            for kind in ("name_birthday", "name_postal")
        }
        rows = Person.objects.filter(
            Q(birthday__in=values["name_birthday"]) | Q(postal_code__in=values["name_postal"]),
            family_name__in={f for _k, f, _g, _v in chunk},
            given_name__in={g for _k, _f, g, _v in chunk},
        )
        for family, given, birthday, postal, pk in rows.values_list(
            "family_name", "given_name", "birthday", "postal_code", "pk"
        ):
            for key in (
                ("name_birthday", family, given, birthday),
                ("name_postal", family, given, postal),
            ):
                if key in wanted:
                    found[key].add(pk)
    return found


def _person_keys(values: dict, emails: list[str], phones: list[str]) -> list[tuple]:
    keys: list[tuple] = [("address", e) for e in emails] + [("e164", p) for p in phones]
    birthday, postal = values.get("birthday"), values.get("postal_code") or ""
    kana = reading_collation_key(
        values.get("family_kana"), values.get("given_kana")
    )  # as sort_kana holds it
    family, given = values.get("family_name") or "", values.get("given_name") or ""
    if kana:
        keys += [("kana_birthday", kana, birthday)] if birthday else []
        keys += [("kana_postal", kana, postal)] if postal else []
    elif family:
        keys += [("name_birthday", family, given, birthday)] if birthday else []
        keys += [("name_postal", family, given, postal)] if postal else []
    return keys


def for_people(user, rows: Sequence) -> dict[int, list[dict]]:
    """``{row number: [{"id", "name", "email", "score", "reasons"}]}`` for the cleaned
    person rows (:class:`~daifuku.imports.prepare.Row`) that probably exist already, best
    first, at most five each, only people ``user`` may see."""
    wanted: dict[int, list[tuple]] = {}
    for row in rows:
        wanted[row.number] = _person_keys(
            row.values, [e["address"] for e in row.emails], [p[1] for p in row.phones]
        )
    every = {key for keys in wanted.values() for key in keys}
    found = _owners(
        EmailAddress, "address", "person_id", (k[1] for k in every if k[0] == "address")
    )
    found.update(_owners(PhoneNumber, "e164", "person_id", (k[1] for k in every if k[0] == "e164")))
    found.update(
        _pairs(
            "kana_birthday",
            "sort_kana",
            "birthday",
            {k[1:] for k in every if k[0] == "kana_birthday"},
        )
    )
    found.update(
        _pairs(
            "kana_postal",
            "sort_kana",
            "postal_code",
            {k[1:] for k in every if k[0] == "kana_postal"},
        )
    )
    found.update(_names({k for k in every if k[0] in ("name_birthday", "name_postal")}))
    candidates = _candidates(wanted, found)
    existing = load_people(visible_candidates(user, Person, set().union(*candidates.values())))
    return _scored(rows, candidates, existing, _person_record, score_people)


def _person_record(row):
    v = row.values
    return person_record(
        id=None,
        family_name=v.get("family_name", ""),
        given_name=v.get("given_name", ""),
        family_kana=v.get("family_kana", ""),
        given_kana=v.get("given_kana", ""),
        birthday=v.get("birthday"),
        postal_code=v.get("postal_code", ""),
        address_line=v.get("address_line", ""),
        emails=[e["address"] for e in row.emails],
        phones=[p[1] for p in row.phones],
    )


def for_companies(user, rows: Sequence) -> dict[int, list[dict]]:
    """The same for cleaned company rows (:class:`~daifuku.imports.companies.CompanyRow`):
    the same corporate number, name without legal form, email or phone."""
    wanted: dict[int, list[tuple]] = {}
    for row in rows:
        keys = [("address", e) for e in row.emails] + [("e164", e164) for _n, e164 in row.phones]
        keys += (
            [("corporate_number", row.values["corporate_number"])]
            if row.values.get("corporate_number")
            else []
        )
        keys += [("name", row.values["name"])] if row.values.get("name") else []
        wanted[row.number] = keys
    every = {key for keys in wanted.values() for key in keys}
    found = _owners(
        EmailAddress, "address", "company_id", (k[1] for k in every if k[0] == "address")
    )
    found.update(
        _owners(PhoneNumber, "e164", "company_id", (k[1] for k in every if k[0] == "e164"))
    )
    for column in ("corporate_number", "name"):
        for chunk in _chunks(k[1] for k in every if k[0] == column):
            for value, pk in Company.objects.filter(**{f"{column}__in": chunk}).values_list(
                column, "pk"
            ):
                found.setdefault((column, value), set()).add(pk)
    candidates = _candidates(wanted, found)
    existing = load_companies(visible_candidates(user, Company, set().union(*candidates.values())))
    return _scored(rows, candidates, existing, _company_record, score_companies)


def _company_record(row):
    v = row.values
    return company_record(
        None,
        v.get("name", ""),
        v.get("kana", ""),
        v.get("corporate_number", ""),
        v.get("postal_code", ""),
        row.emails,
        [e164 for _n, e164 in row.phones],
    )


def _scored(
    rows: Sequence, candidates: dict[int, set[int]], existing: dict, record_of, score
) -> dict[int, list[dict]]:
    """Each row with candidates scored against them: ``{row number: best matches}``."""
    result: dict[int, list[dict]] = {}
    for row in rows:
        ids = candidates.get(row.number)
        if not ids:
            continue
        me = record_of(row)
        if best := _best(
            [(*score(me, existing[pk]), pk) for pk in ids if pk in existing], existing
        ):
            result[row.number] = best
    return result


def _candidates(
    wanted: dict[int, list[tuple]], found: dict[tuple, set[int]]
) -> dict[int, set[int]]:
    """Row number → the ids sharing one of its keys; a key that more than ``BLOCK_CAP``
    records share (a shop's phone number) says nothing, as in the scan."""
    result: dict[int, set[int]] = {}
    for number, keys in wanted.items():
        ids = set().union(
            *(found.get(key, set()) for key in keys if len(found.get(key, ())) <= BLOCK_CAP)
        )
        if ids:
            result[number] = ids
    return result


def _best(scored: list[tuple[int, list[str], int]], records: dict) -> list[dict]:
    kept = sorted(
        (item for item in scored if item[0] >= PROBABLE_THRESHOLD or STRONG & set(item[1])),
        key=lambda item: (-item[0], item[2]),
    )
    return [
        {
            "id": pk,
            "name": records[pk].label,
            "email": min(records[pk].emails, default=""),
            "score": score,
            "reasons": reasons,
        }
        for score, reasons, pk in kept[:CHECK_LIMIT]
    ]
