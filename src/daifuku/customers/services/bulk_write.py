"""Writing many customers at once: the one place that knows the ledger's tables as rows.

Two callers load customers by the thousand and cannot afford the per-row services (an
audit entry, a search-index transaction and a round trip per customer: hours for a
million rows): the import writer (``imports.writer``) and the seeder
(``customers.seeding.loader``). Both build plain tuples and hand them to
``core.db.bulk_insert`` (COPY on PostgreSQL, executemany on SQLite). This module owns
what those tuples are — each table's column order and the values a new row starts with
(created and updated at the same moment, not in the trash, version 1, the model's
default stage and lifecycle) — so a new column is added here once, and
``customers/tests/test_bulk_write.py`` fails until it is.

The row builders are plain functions taking positional arguments: they run once per row
of a million-row load, where keyword arguments and objects would show in the figures.
The callers keep what is theirs: the seeder its generated values, the import its cleaned
rows, its audit entry per batch and its undo bookkeeping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

from daifuku.core import db, search

from ..models import (
    Company,
    Consent,
    Contact,
    EmailAddress,
    HouseholdMember,
    Person,
    PhoneNumber,
    RelationshipStageChange,
)
from ..search_index import COMPANY, PERSON

# the values a new customer starts with when its source says nothing (the models' defaults)
DEFAULT_STAGE = str(Person._meta.get_field("relationship_stage").default)
DEFAULT_LIFECYCLE = str(Person._meta.get_field("lifecycle").default)


@dataclass(frozen=True)
class Table:
    """One ledger table as a bulk load writes it: its name, its columns in the order of
    the row builders below, and the column whose index is the most scattered (rows
    inserted in its order land on neighbouring index pages of a large ledger)."""

    name: str
    columns: tuple[str, ...]
    scattered: str | None = None

    def insert(self, rows: Iterable[Sequence], *, in_index_order: bool = False) -> int:
        """Write ``rows`` (tuples in :attr:`columns` order); returns how many were written.
        ``in_index_order``: sort them by the scattered column first — worth it when the
        table already holds many rows (an import into a large ledger), not for a load into
        an empty one (the seeder streams its rows instead)."""
        if in_index_order and self.scattered is not None:
            rows = sorted(rows, key=itemgetter(self.columns.index(self.scattered)))
        return db.bulk_insert(self.name, self.columns, rows)


_ADDRESS = ("postal_code", "prefecture", "city", "address_line", "building")
_RECORD = ("id", "created_at", "updated_at", "deleted_at", "deleted_by_id", "version")

PEOPLE = Table(
    Person._meta.db_table,
    (
        *_RECORD, *_ADDRESS, "owner_id", "team_id", "family_name", "given_name",
        "family_kana", "given_kana", "sort_kana", "birthday", "gender", "preferences", "notes",
        "relationship_stage", "lifecycle", "source_channel", "custom_fields", "member_number",
    ),
    scattered="sort_kana",
)  # fmt: skip
COMPANIES = Table(
    Company._meta.db_table,
    (
        *_RECORD, *_ADDRESS, "owner_id", "team_id", "name", "legal_form",
        "legal_form_position", "kana", "sort_kana", "corporate_number", "industry", "size",
        "website", "notes", "custom_fields",
    ),
)  # fmt: skip
EMAILS = Table(
    EmailAddress._meta.db_table,
    ("person_id", "company_id", "address", "domain", "label", "is_primary"),
    scattered="address",
)
PHONES = Table(
    PhoneNumber._meta.db_table,
    (
        "person_id", "company_id", "number", "e164", "digits", "digits_reversed", "kind",
        "is_primary",
    ),
    scattered="e164",
)  # fmt: skip
STAGE_CHANGES = Table(
    RelationshipStageChange._meta.db_table,
    ("person_id", "stage", "reached_on", "changed_by_id", "created_at"),
)
HOUSEHOLD = Table(
    HouseholdMember._meta.db_table,
    (
        "person_id",
        "name",
        "kana",
        "relation",
        "birthday",
        "notes",
        "linked_person_id",
        "created_at",
    ),
)
CONTACTS = Table(
    Contact._meta.db_table,
    ("person_id", "company_id", "department", "title", "is_key_person", "notes", "created_at"),
)
CONSENTS = Table(
    Consent._meta.db_table,
    ("person_id", "channel", "status", "recorded_at", "method", "evidence", "recorded_by_id"),
)
TAG_LINKS = Table(Person.tags.through._meta.db_table, ("person_id", "tag_id"))

TABLES = (
    PEOPLE,
    COMPANIES,
    EMAILS,
    PHONES,
    STAGE_CHANGES,
    HOUSEHOLD,
    CONTACTS,
    CONSENTS,
    TAG_LINKS,
)


# rows of new records, in their table's column order -----------------------------------


def person_row(
    pk, at, address, owner_id, team_id, family, given, family_kana, given_kana, sort_kana,
    birthday, gender, preferences, notes, stage, lifecycle, source, custom_fields="{}",
    member_number="",
) -> tuple:  # fmt: skip
    """A new customer registered ``at`` (a database value): ``address`` is (postal code,
    prefecture, city, address line, building), ``custom_fields`` JSON text, ``member_number``
    the 会員番号 already cleaned (empty when the customer has none)."""
    return (
        pk, at, at, None, None, 1, *address, owner_id, team_id, family, given, family_kana,
        given_kana, sort_kana, birthday, gender, preferences, notes, stage, lifecycle, source,
        custom_fields, member_number,
    )  # fmt: skip


def company_row(
    pk, at, address, owner_id, team_id, name, legal_form, legal_form_position, kana,
    sort_kana, corporate_number, industry, size, website, notes="", custom_fields="{}",
) -> tuple:  # fmt: skip
    """A new company registered ``at``."""
    return (
        pk, at, at, None, None, 1, *address, owner_id, team_id, name, legal_form,
        legal_form_position, kana, sort_kana, corporate_number, industry, size, website, notes,
        custom_fields,
    )  # fmt: skip


def email_row(person_id, address: str, label: str, is_primary: bool) -> tuple:
    """A customer's e-mail address (already cleaned: lower case); the domain is derived."""
    return (person_id, None, address, address.rpartition("@")[2], label, is_primary)


def person_phone_row(person_id, phone: Sequence, is_primary: bool) -> tuple:
    """A customer's phone: ``phone`` is (number, E.164, digits, digits reversed, kind) as
    the phone cleaning gives it."""
    return (person_id, None, *phone, is_primary)


def company_phone_row(company_id, phone: Sequence, is_primary: bool) -> tuple:
    """A company's phone, from the same five values as :func:`person_phone_row`."""
    return (None, company_id, *phone, is_primary)


def stage_row(person_id, stage: str, reached_on, changed_by_id, at) -> tuple:
    """The relationship stage a new customer starts at (every customer has its first)."""
    return (person_id, stage, reached_on, changed_by_id, at)


def household_row(person_id, name, kana, relation, birthday, at, notes="", linked=None) -> tuple:
    """A member of a customer's household."""
    return (person_id, name, kana, relation, birthday, notes, linked, at)


def contact_row(person_id, company_id, department, title, is_key_person, at, notes="") -> tuple:
    """A customer working at a company."""
    return (person_id, company_id, department, title, is_key_person, notes, at)


def consent_row(person_id, channel, status, at, method, evidence, recorded_by_id) -> tuple:
    """A customer's consent to be contacted on ``channel``, with how it was obtained."""
    return (person_id, channel, status, at, method, evidence, recorded_by_id)


# the search index -----------------------------------------------------------------------


def index_people(documents: list[tuple]) -> int:
    """Index new customers for the name search: ``(id, text, sort key, grams)`` each, as
    ``core.search.prepare_document`` gives them."""
    return search.bulk_index_prepared(PERSON, documents)


def index_companies(documents: list[tuple]) -> int:
    """Index new companies: ``(id, [name, kana], sort key)`` each."""
    return search.bulk_index(COMPANY, documents)
