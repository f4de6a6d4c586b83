"""Writes generated customers into the ledger fast enough for a million people.

:func:`load` is the write path of ``daifuku seed`` and ``daifuku demo`` (a service in the
DESIGN.md sense: keyword-only, an ``actor``, one transaction, an audit entry). The rows it
writes are the rows the services would write for the same input — cleaned names and
readings, ``sort_kana``, e-mail ``domain``, phone ``e164``/``digits``/``digits_reversed``,
one :class:`~daifuku.customers.models.RelationshipStageChange` per person, a search
document per person and company — but it writes them the way a bulk load must:

* primary keys of people and companies are reserved up front (``core.db.next_ids``), so
  e-mails, phones, household members, contacts, stage changes and search documents are
  written with their owner's id without reading anything back;
* every table is filled with ``core.db.bulk_insert`` (COPY on PostgreSQL, executemany on
  SQLite) in batches, consuming the generator lazily so memory stays flat;
* work that depends only on a value is done once per distinct value: a million people
  share a few hundred thousand names, and a phone number's national format, E.164 form and
  validity depend only on its leading digits (the subscriber number, the last four digits,
  never changes them), so ``normalize_phone`` runs once per leading-digit prefix;
* the cyclic garbage collector is off while loading (millions of short-lived tuples, no
  cycles) and the objects alive before the load are frozen out of its way.

One audit entry records the whole run (action ``seed``, with the counts), not one per
row: a million "create" entries would double the load time and bury the trail that
people read; the entry says what was loaded, by whom and when.

Generated phone numbers that the numbering plan rejects (about 0.5 %) are left out, as
the services would refuse them; near-duplicate people (``duplicate_rate``) are written in
odd notations on purpose and go through the services' own cleaning functions one by one.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from daifuku.core import audit, db, search
from daifuku.core.errors import ValidationFailed
from daifuku.core.japanese import kana_sort_key, normalize_phone, normalize_text, to_katakana

from ..search_index import COMPANY, PERSON, company_sort_kana, person_sort_kana
from ..validation import clean_emails, clean_person, clean_phones
from .generator import CompanySeed, PersonSeed, SeedGenerator

PERSON_COLUMNS = (
    "id", "created_at", "updated_at", "deleted_at", "deleted_by_id", "version",
    "postal_code", "prefecture", "city", "address_line", "building", "owner_id", "team_id",
    "family_name", "given_name", "family_kana", "given_kana", "sort_kana", "birthday", "gender",
    "preferences", "notes", "relationship_stage", "lifecycle", "source_channel", "custom_fields",
)  # fmt: skip
COMPANY_COLUMNS = (
    "id", "created_at", "updated_at", "deleted_at", "deleted_by_id", "version",
    "postal_code", "prefecture", "city", "address_line", "building", "owner_id", "team_id",
    "name", "legal_form", "legal_form_position", "kana", "sort_kana", "corporate_number",
    "industry", "size", "website", "notes", "custom_fields",
)  # fmt: skip
EMAIL_COLUMNS = ("person_id", "company_id", "address", "domain", "label", "is_primary")
PHONE_COLUMNS = ("person_id", "company_id", "number", "e164", "digits", "digits_reversed", "kind", "is_primary")
HOUSEHOLD_COLUMNS = ("person_id", "name", "kana", "relation", "birthday", "notes", "linked_person_id", "created_at")
STAGE_COLUMNS = ("person_id", "stage", "reached_on", "changed_by_id", "created_at")
CONTACT_COLUMNS = ("person_id", "company_id", "department", "title", "is_key_person", "notes", "created_at")
TABLES = (
    "customers_company", "customers_person", "customers_emailaddress", "customers_phonenumber",
    "customers_householdmember", "customers_relationshipstagechange", "customers_contact",
    search.DOC_TABLE, search.GRAM_TABLE,
)  # fmt: skip
MOBILE_PREFIXES = frozenset({"090", "080", "070"})
HISTORY_DAYS = 3 * 365  # customers were registered over the last three years


@dataclass
class SeedReport:
    """What one seed run wrote."""

    people: int = 0
    companies: int = 0
    contacts: int = 0
    emails: int = 0
    phones: int = 0
    household_members: int = 0
    stage_changes: int = 0
    search_documents: int = 0
    phones_rejected: int = 0
    first_person_id: int | None = None
    first_company_id: int | None = None
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


# --- values computed once per distinct input ---------------------------------------------


class PhoneCache:
    """``clean_phones`` for well-formed Japanese numbers, computed once per prefix.

    A number's validity, E.164 form and national format depend on its leading digits and
    its length, never on the last four (the subscriber number), so the result for
    ``03-1234-5678`` gives the result for every ``03-1234-xxxx``. Anything not shaped like
    ``0…-…-NNNN`` goes through ``clean_phones`` itself."""

    def __init__(self) -> None:
        self._templates: dict[str, tuple[str, str, str] | None | bool] = {}
        self.slow = 0

    def row(self, raw: str) -> tuple[str, str, str, str, str] | None:
        """``(number, e164, digits, digits_reversed, kind)`` or None if not a valid number."""
        digits = raw.replace("-", "")
        if not (raw[0] == "0" and digits.isdigit() and digits.isascii() and raw[-5] == "-" and len(digits) >= 10):
            return self._slow(raw)
        prefix, tail = digits[:-4], digits[-4:]
        template = self._templates.get(prefix, False)
        if template is False:
            phone = normalize_phone(raw)
            template = None
            if phone is not None and not phone.extension and phone.national == digits:
                template = (phone.e164[:-4], phone.formatted, phone.national[:-4])
            self._templates[prefix] = template
        if template is None:
            return None
        e164_head, formatted, national_head = template
        if formatted[-5] == "-" and formatted[-4:].isdigit():
            number = formatted[:-4] + tail
        else:  # e.g. 0120-123-456: the last four digits straddle a hyphen
            number = _replace_last_digits(formatted, tail)
        national = national_head + tail
        kind = "mobile" if national[:3] in MOBILE_PREFIXES else "home"
        return number, e164_head + tail, national, national[::-1], kind

    def _slow(self, raw: str) -> tuple[str, str, str, str, str] | None:
        self.slow += 1
        try:
            rows = clean_phones([raw])
        except ValidationFailed:
            return None
        row = rows[0]
        return row["number"], row["e164"], row["digits"], row["digits_reversed"], row["kind"]


def _replace_last_digits(template: str, tail: str) -> str:
    chars = list(template)
    position = len(chars) - 1
    for digit in reversed(tail):
        while not chars[position].isdigit():
            position -= 1
        chars[position] = digit
        position -= 1
    return "".join(chars)


class NameCache:
    """Cleaned name fields and sort keys, once per distinct (name, reading) combination."""

    def __init__(self) -> None:
        self._people: dict[tuple[str, str, str, str], tuple[str, str, str, str, str, str]] = {}
        self._text: dict[str, str] = {}

    def text(self, value: str) -> str:
        found = self._text.get(value)
        if found is None:
            found = self._text[value] = normalize_text(value)
        return found

    def person(self, family: str, given: str, family_kana: str, given_kana: str):
        """``(family, given, family_kana, given_kana, sort_kana, index_sort_kana)``."""
        key = (family, given, family_kana, given_kana)
        found = self._people.get(key)
        if found is None:
            f, g = normalize_text(family), normalize_text(given)
            fk, gk = to_katakana(family_kana), to_katakana(given_kana)
            found = (f, g, fk, gk, person_sort_kana(f, g, fk, gk), kana_sort_key(fk, gk))
            self._people[key] = found
        return found


# --- the load ----------------------------------------------------------------------------


class _Clock:
    def __init__(self, report: SeedReport) -> None:
        self.report = report

    def add(self, name: str, started: float) -> None:
        self.report.timings[name] = round(self.report.timings.get(name, 0.0) + time.perf_counter() - started, 3)


class Loader:
    """One run of :func:`load` (kept as an object so the row builders share state)."""

    def __init__(self, *, people: int, companies: int, seed: int, duplicate_rate: float,
                 owners: Sequence[tuple[int | None, int | None]], batch: int,
                 progress: Callable[[str, int, int], None] | None, reference_date: dt.date | None) -> None:
        self.n_people, self.n_companies = people, companies
        self.generator = SeedGenerator(seed, reference_date) if reference_date else SeedGenerator(seed)
        self.duplicate_rate = duplicate_rate
        self.owners = list(owners) or [(None, None)]
        self.batch = batch
        self.progress = progress or (lambda stage, done, total: None)
        self.report = SeedReport()
        self.clock = _Clock(self.report)
        self.phones = PhoneCache()
        self.names = NameCache()
        self.rnd = random.Random(f"daifuku:{seed}:loader").random
        self.sqlite = connection.vendor == "sqlite"
        self.today = timezone.localdate()
        self._moments = self._registration_moments()

    # values in the form the database driver takes them
    def _date(self, value: dt.date | None):
        if value is None:
            return None
        return value.isoformat() if self.sqlite else value

    def _moment(self, value: dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)

    def _registration_moments(self) -> list[tuple[object, object]]:
        """A pool of (registered at, stage reached on) pairs spread over the last three
        years; drawing from a pool keeps datetime work out of the per-row loop."""
        now = timezone.now().replace(microsecond=0)
        rnd = random.Random(0).random
        pool = []
        for _ in range(4096):
            at = now - dt.timedelta(seconds=int(rnd() * HISTORY_DAYS * 86400))
            reached = timezone.localdate(at) + dt.timedelta(days=int(rnd() * rnd() * 200))
            pool.append((self._moment(at), self._date(min(reached, self.today))))
        return pool

    def run(self) -> SeedReport:
        started = time.perf_counter()
        if self.n_companies:
            self._companies()
        if self.n_people:
            self._people()
        if self.n_people and self.n_companies:
            self._contacts()
        self.report.seconds = round(time.perf_counter() - started, 3)
        return self.report

    # companies ---------------------------------------------------------------------------

    def _companies(self) -> None:
        first = db.next_ids("customers_company", self.n_companies)
        self.report.first_company_id = first
        seeds = self.generator.companies(self.n_companies)
        offset = 0
        while chunk := list(islice(seeds, self.batch)):
            tick = time.perf_counter()
            rows, phones, documents = [], [], []
            for index, company in enumerate(chunk, offset):
                company_id = first + index
                rows.append(self._company_row(company_id, company))
                documents.append((company_id, [company.name, company.kana], kana_sort_key(company.kana)))
                if company.phone:
                    row = self.phones.row(company.phone)
                    if row is None:
                        self.report.phones_rejected += 1
                    else:
                        phones.append((None, company_id, *row[:4], "work", True))
            self.clock.add("build", tick)
            self._insert("customers_company", COMPANY_COLUMNS, rows)
            self._insert("customers_phonenumber", PHONE_COLUMNS, phones)
            tick = time.perf_counter()
            self.report.search_documents += search.bulk_index(COMPANY, documents)
            self.clock.add("search index", tick)
            offset += len(chunk)
            self.report.companies = offset
            self.report.phones += len(phones)
            self.progress("companies", offset, self.n_companies)

    def _company_row(self, company_id: int, company: CompanySeed) -> tuple:
        owner, team = self.owners[company_id % len(self.owners)]
        at, _reached = self._moments[int(self.rnd() * len(self._moments))]
        return (
            company_id, at, at, None, None, 1,
            company.postal_code, company.prefecture, company.city, company.address_line, company.building,
            owner, team, company.name, company.legal_form or "", company.legal_form_position or "",
            company.kana, company_sort_kana(company.name, company.kana), company.corporate_number or "",
            company.industry, company.size, company.website or "", "", "{}",
        )  # fmt: skip

    # people ------------------------------------------------------------------------------

    def _people(self) -> None:
        first = db.next_ids("customers_person", self.n_people)
        self.report.first_person_id = first
        seeds = self.generator.people(self.n_people, duplicate_rate=self.duplicate_rate)
        offset = 0
        while True:
            tick = time.perf_counter()
            chunk = list(islice(seeds, self.batch))
            self.clock.add("generate", tick)
            if not chunk:
                break
            self._people_batch(first, offset, chunk)
            offset += len(chunk)
            self.report.people = offset
            self.progress("people", offset, self.n_people)

    def _people_batch(self, first: int, offset: int, chunk: list[PersonSeed]) -> None:
        tick = time.perf_counter()
        people, emails, phones, household, stages, documents = [], [], [], [], [], []
        names, phone_row, date_ = self.names, self.phones.row, self._date
        moments, n_moments, rnd = self._moments, len(self._moments), self.rnd
        owners, n_owners = self.owners, len(self.owners)
        for index, seed in enumerate(chunk, offset):
            person_id = first + index
            at, reached = moments[int(rnd() * n_moments)]
            owner, team = owners[person_id % n_owners]
            if seed.duplicate_of is not None:
                values, email_rows, phone_rows = self._cleaned_duplicate(seed)
                emails.extend((person_id, None, *row) for row in email_rows)
                phones.extend((person_id, None, *row) for row in phone_rows)
                family, given, family_kana, given_kana = (
                    values["family_name"], values["given_name"], values["family_kana"], values["given_kana"])
                sort_kana = person_sort_kana(family, given, family_kana, given_kana)
                index_kana = kana_sort_key(family_kana, given_kana)
                address = (values["postal_code"], values["prefecture"], values["city"],
                           values["address_line"], values["building"])
            else:
                family, given, family_kana, given_kana, sort_kana, index_kana = names.person(
                    seed.family_name, seed.given_name, seed.family_kana, seed.given_kana)
                address = (seed.postal_code, seed.prefecture, seed.city, seed.address_line, seed.building)
                if seed.email:
                    address_ = seed.email.lower()
                    emails.append((person_id, None, address_, address_.rpartition("@")[2], "", True))
                if seed.phone:
                    row = phone_row(seed.phone)
                    if row is None:
                        self.report.phones_rejected += 1
                    else:
                        phones.append((person_id, None, *row, True))
            people.append((
                person_id, at, at, None, None, 1, *address, owner, team,
                family, given, family_kana, given_kana, sort_kana, date_(seed.birthday), seed.gender,
                seed.preferences, seed.notes, seed.relationship_stage, seed.lifecycle, seed.source_channel, "{}",
            ))  # fmt: skip
            stages.append((person_id, seed.relationship_stage, reached, None, at))
            for member in seed.household:
                household.append((person_id, names.text(member.name), member.kana, member.relation,
                                  date_(member.birthday), "", None, at))
            documents.append((person_id, [f"{family}{given}", f"{family_kana}{given_kana}"], index_kana))
        self.clock.add("build", tick)
        self._insert("customers_person", PERSON_COLUMNS, people)
        self._insert("customers_emailaddress", EMAIL_COLUMNS, emails)
        self._insert("customers_phonenumber", PHONE_COLUMNS, phones)
        self._insert("customers_householdmember", HOUSEHOLD_COLUMNS, household)
        self._insert("customers_relationshipstagechange", STAGE_COLUMNS, stages)
        tick = time.perf_counter()
        self.report.search_documents += search.bulk_index(PERSON, documents)
        self.clock.add("search index", tick)
        self.report.emails += len(emails)
        self.report.phones += len(phones)
        self.report.household_members += len(household)
        self.report.stage_changes += len(stages)

    def _cleaned_duplicate(self, seed: PersonSeed):
        """A planted near-duplicate is written the odd way a second registration was
        (hiragana reading, full-width digits…): clean it exactly as the services do."""
        values = clean_person({
            "family_name": seed.family_name, "given_name": seed.given_name,
            "family_kana": seed.family_kana, "given_kana": seed.given_kana,
            "postal_code": seed.postal_code, "prefecture": seed.prefecture, "city": seed.city,
            "address_line": seed.address_line, "building": seed.building,
        }, creating=True)
        email_rows = []
        if seed.email:
            try:
                email_rows = [(r["address"], r["address"].rpartition("@")[2], r["label"], r["is_primary"])
                              for r in clean_emails([seed.email])]
            except ValidationFailed:
                email_rows = []
        phone_rows = []
        if seed.phone:
            row = self.phones.row(seed.phone)
            if row is None:
                self.report.phones_rejected += 1
            else:
                phone_rows = [(*row, True)]
        return values, email_rows, phone_rows

    # contacts ----------------------------------------------------------------------------

    def _contacts(self) -> None:
        person_first, company_first = self.report.first_person_id, self.report.first_company_id
        at = self._moments[0][0]
        links: Iterator = (
            (person_first + person, company_first + company, department, title, key, "", at)
            for person, company, department, title, key in self.generator.contacts(self.n_people, self.n_companies)
        )
        self.report.contacts = self._insert("customers_contact", CONTACT_COLUMNS, links)

    def _insert(self, table: str, columns: Sequence[str], rows) -> int:
        tick = time.perf_counter()
        written = db.bulk_insert(table, columns, rows)
        self.clock.add(table.removeprefix("customers_"), tick)
        return written


def load(
    *,
    actor,
    people: int,
    companies: int = 0,
    seed: int = 1,
    duplicate_rate: float = 0.0,
    owners: Sequence[tuple[int | None, int | None]] = (),
    batch: int = 50_000,
    progress: Callable[[str, int, int], None] | None = None,
    reference_date: dt.date | None = None,
) -> SeedReport:
    """Add ``people`` generated individual customers and ``companies`` companies (about
    one person in five linked to a company as a contact) to the ledger, in one transaction.

    ``owners`` is a list of ``(owner_id, team_id)`` the records are shared out among
    (round robin by id); without it the records have no owner. ``progress(stage, done,
    total)`` is called after every batch. The same ``seed`` gives the same customers."""
    if people < 0 or companies < 0:
        raise ValueError("counts cannot be negative")
    loader = Loader(people=people, companies=companies, seed=seed, duplicate_rate=duplicate_rate,
                    owners=owners, batch=batch, progress=progress, reference_date=reference_date)
    gc.collect()
    gc.freeze()  # objects alive before the load never need scanning again
    was_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived tuples and no reference cycles
    started = time.perf_counter()
    try:
        with transaction.atomic(), _bulk_session():
            with db.deferred_indexes(TABLES, rebuild_keys=(search.GRAM_TABLE,)) as emptied:
                with search.staged_postings() as staged:
                    report = loader.run()
                    tick = time.perf_counter()
                if staged:
                    loader.clock.add("search postings sorted in", tick)
                tick = time.perf_counter()
            loader.clock.add("indexes", tick)
            tick = time.perf_counter()
            db.analyze(TABLES)
            loader.clock.add("analyze", tick)
            report.seconds = round(time.perf_counter() - started, 3)
            audit.record(
                actor=actor, action="seed", object_type="customers.person", object_id=report.first_person_id,
                object_repr=f"seed: {report.people} people, {report.companies} companies",
                changes={key: value for key, value in report.as_dict().items() if key != "timings"},
                note=f"one entry for the whole bulk load; indexes rebuilt after loading: {', '.join(emptied) or '-'}",
            )
            return report
    finally:
        if was_enabled:
            gc.enable()
        gc.unfreeze()


class _bulk_session:
    """SQLite: a page cache large enough to hold the indexes being filled (random-order
    index inserts then stay in memory) and a second sorter thread for the index builds
    and the posting sort (two cores), restored afterwards. PostgreSQL needs nothing."""

    def __enter__(self):
        self.previous = None
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                cache = cursor.fetchone()[0]
                cursor.execute("PRAGMA threads")
                self.previous = (cache, cursor.fetchone()[0])
                cursor.execute("PRAGMA cache_size = -2000000")  # 2 GB, in KiB
                cursor.execute("PRAGMA threads = 2")
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self.previous[0])}")
                cursor.execute(f"PRAGMA threads = {int(self.previous[1])}")
        return False
