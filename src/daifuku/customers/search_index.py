"""What of a customer is searchable by name (the n-gram index in core.search).

Email addresses and phone numbers are found through their own indexed columns
(selectors.search_customers), so the name index stays small: a person is their kanji name
and reading, a company its name without legal form and its reading.
"""

from __future__ import annotations

from collections.abc import Iterable

from daifuku.core import search
from daifuku.core.japanese import kana_sort_key, name_collation_key, reading_collation_key

PERSON, COMPANY = 1, 2
ENTITY_NAMES = {PERSON: "person", COMPANY: "company"}


def person_sort_kana(family_name: str, given_name: str, family_kana: str, given_kana: str) -> str:
    """The ``sort_kana`` column: 五十音順 collation key of the reading (JIS X 4061,
    core.japanese_collation); people without a reading sort after those with one, by
    their name. Every writer of the column (services, merge, import, seeder) calls this."""
    return reading_collation_key(family_kana, given_kana) or name_collation_key(
        f"{family_name} {given_name}".strip()
    )


def company_sort_kana(name: str, kana: str) -> str:
    """The companies' ``sort_kana`` column, as :func:`person_sort_kana`."""
    return reading_collation_key(kana) or name_collation_key(name)


def person_fields(p) -> list[str]:
    return [f"{p.family_name}{p.given_name}", f"{p.family_kana}{p.given_kana}"]


def company_fields(c) -> list[str]:
    return [c.name, c.kana]


def index_person(person) -> None:
    if person.deleted_at is not None:
        search.remove_document(PERSON, person.pk)
    else:
        search.index_document(
            PERSON,
            person.pk,
            person_fields(person),
            kana_sort_key(person.family_kana, person.given_kana),
        )


def index_company(company) -> None:
    if company.deleted_at is not None:
        search.remove_document(COMPANY, company.pk)
    else:
        search.index_document(
            COMPANY, company.pk, company_fields(company), kana_sort_key(company.kana)
        )


def bulk_index_people(people: Iterable) -> int:
    return search.bulk_index(
        PERSON,
        ((p.pk, person_fields(p), kana_sort_key(p.family_kana, p.given_kana)) for p in people),
    )


def bulk_index_companies(companies: Iterable) -> int:
    return search.bulk_index(
        COMPANY, ((c.pk, company_fields(c), kana_sort_key(c.kana)) for c in companies)
    )


def reindex_documents_holding(characters: Iterable[str]) -> int:
    """Index again every customer whose search document holds one of ``characters`` (a
    change of the folding in search_key, e.g. 異体字: 髙橋's document must hold 高橋).
    The documents are found through the characters' unigram postings (one index range
    each), so a million-customer ledger reads only the few affected. Returns how many
    customers were indexed again."""
    from django.db import connection

    from daifuku.core.leapfrog import DOC_TABLE, GRAM_TABLE

    from .models import Company, Person

    codes = sorted({ord(char) for char in characters})
    if not codes:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT d.entity_type, d.entity_id FROM {GRAM_TABLE} g JOIN {DOC_TABLE} d ON d.id = g.document_id "
            f"WHERE g.gram IN ({', '.join(['%s'] * len(codes))})",
            codes,
        )
        found = cursor.fetchall()
    ids = {
        PERSON: [pk for kind, pk in found if kind == PERSON],
        COMPANY: [pk for kind, pk in found if kind == COMPANY],
    }
    for person in Person.all_objects.filter(pk__in=ids[PERSON]):
        index_person(person)
    for company in Company.all_objects.filter(pk__in=ids[COMPANY]):
        index_company(company)
    return len(found)
