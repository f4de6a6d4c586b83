"""Writes generated customers into the ledger fast enough for a million people.

:func:`load` is the write path of ``daifuku seed`` and ``daifuku demo`` (a service in the
docs/architecture.md sense: keyword-only, an ``actor``, one transaction, an audit entry). The rows it
writes are the rows the services would write for the same input — cleaned names and
readings, ``sort_kana``, e-mail ``domain``, phone ``e164``/``digits``/``digits_reversed``,
one :class:`~daifuku.customers.models.RelationshipStageChange` per person, a search
document per person and company — but it writes them the way a bulk load must:

* primary keys of people and companies are reserved up front (``core.db.next_ids``), so
  e-mails, phones, household members, contacts, stage changes and search documents are
  written with their owner's id without reading anything back;
* every table is filled through ``customers.services.bulk_write`` (its row layout, shared
  with the import writer; ``core.db.bulk_insert`` underneath: COPY on PostgreSQL,
  executemany on SQLite) in batches, consuming the generator lazily so memory stays flat;
* work that depends only on a value is done once per distinct value: a million people
  share a few hundred thousand names, and a phone number's national format, E.164 form and
  validity depend only on its leading digits (the subscriber number, the last four digits,
  never changes them), so ``normalize_phone`` runs once per leading-digit prefix;
* the cyclic garbage collector is off while loading (millions of short-lived tuples, no
  cycles) and the objects alive before the load are frozen out of its way;
* the people's rows (generation, cleaning, search n-grams) are built in a forked process
  while this one writes the previous batch (``seeding.forked``): two cores, same rows.

One audit entry records the whole run (action ``seed``, with the counts), not one per
row: a million "create" entries would double the load time and bury the trail that
people read; the entry says what was loaded, by whom and when.

Generated phone numbers that the numbering plan rejects (about 0.5 %) are left out, as
the services would refuse them; near-duplicate people (``duplicate_rate``) are written in
odd notations on purpose and go through the services' own cleaning functions one by one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from daifuku.core import audit, db, search
from daifuku.core.errors import ValidationFailed
from daifuku.core.japanese import kana_sort_key

from ..search_index import company_sort_kana, person_sort_kana
from ..services import bulk_write
from ..services.bulk_write import (
    COMPANIES,
    CONTACTS,
    EMAILS,
    HOUSEHOLD,
    PEOPLE,
    PHONES,
    STAGE_CHANGES,
    Table,
    company_phone_row,
    company_row,
    contact_row,
    email_row,
    household_row,
    person_phone_row,
    person_row,
    stage_row,
)
from ..validation import clean_emails, clean_person
from . import forked
from .generator import CompanySeed, PersonSeed, SeedGenerator
from .values import NameCache, PhoneCache

# what a seed run writes to (its indexes are set aside and rebuilt after a large load)
TABLES = (
    *(table.name for table in (COMPANIES, PEOPLE, EMAILS, PHONES, HOUSEHOLD, STAGE_CHANGES, CONTACTS)),
    search.DOC_TABLE, search.GRAM_TABLE,
)  # fmt: skip
PARALLEL_FROM = 20_000  # people: below this, forking a row builder costs more than it saves
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


@dataclass
class _PeopleBatch:
    """The rows of one batch of people, built apart from writing them (picklable)."""

    size: int
    people: list = field(default_factory=list)
    emails: list = field(default_factory=list)
    phones: list = field(default_factory=list)
    household: list = field(default_factory=list)
    stages: list = field(default_factory=list)
    documents: list = field(
        default_factory=list
    )  # (person_id, family, given, family_kana, given_kana, sort kana)
    phones_rejected: int = 0
    timings: dict[str, float] = field(default_factory=dict)


class _Clock:
    def __init__(self, report: SeedReport) -> None:
        self.report = report

    def add(self, name: str, started: float) -> None:
        self.report.timings[name] = round(
            self.report.timings.get(name, 0.0) + time.perf_counter() - started, 3
        )


class Loader:
    """One run of :func:`load` (kept as an object so the row builders share state)."""

    def __init__(
        self,
        *,
        people: int,
        companies: int,
        seed: int,
        duplicate_rate: float,
        owners: Sequence[tuple[int | None, int | None]],
        batch: int,
        progress: Callable[[str, int, int], None] | None,
        reference_date: dt.date | None,
        parallel: bool | None = None,
    ) -> None:
        self.n_people, self.n_companies = people, companies
        # Planted duplicates are cleaned by the services' functions, which may read the
        # database: those loads (and small ones) build their rows in this process.
        self.parallel = (
            (people >= PARALLEL_FROM and not duplicate_rate) if parallel is None else parallel
        )
        self._prepared: dict[tuple, tuple] = {}
        self.generator = (
            SeedGenerator(seed, reference_date) if reference_date else SeedGenerator(seed)
        )
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
        first = db.next_ids(COMPANIES.name, self.n_companies)
        self.report.first_company_id = first
        seeds = self.generator.companies(self.n_companies)
        offset = 0
        while chunk := list(islice(seeds, self.batch)):
            tick = time.perf_counter()
            rows, phones, documents = [], [], []
            for index, company in enumerate(chunk, offset):
                company_id = first + index
                rows.append(self._company_row(company_id, company))
                documents.append(
                    (company_id, [company.name, company.kana], kana_sort_key(company.kana))
                )
                if company.phone:
                    row = self.phones.row(company.phone)
                    if row is None:
                        self.report.phones_rejected += 1
                    else:
                        phones.append(company_phone_row(company_id, (*row[:4], "work"), True))
            self.clock.add("build", tick)
            self._insert(COMPANIES, rows)
            self._insert(PHONES, phones)
            tick = time.perf_counter()
            self.report.search_documents += bulk_write.index_companies(documents)
            self.clock.add("search index", tick)
            offset += len(chunk)
            self.report.companies = offset
            self.report.phones += len(phones)
            self.progress("companies", offset, self.n_companies)

    def _company_row(self, company_id: int, company: CompanySeed) -> tuple:
        owner, team = self.owners[company_id % len(self.owners)]
        at, _reached = self._moments[int(self.rnd() * len(self._moments))]
        address = (
            company.postal_code, company.prefecture, company.city, company.address_line, company.building,
        )  # fmt: skip
        return company_row(
            company_id, at, address, owner, team, company.name, company.legal_form or "",
            company.legal_form_position or "", company.kana,
            company_sort_kana(company.name, company.kana), company.corporate_number or "",
            company.industry, company.size, company.website or "",
        )  # fmt: skip

    # people ------------------------------------------------------------------------------

    def _people(self) -> None:
        first = db.next_ids(PEOPLE.name, self.n_people)
        self.report.first_person_id = first
        if self.parallel:
            batches = forked.in_forked_process(lambda: self._people_batches(first))
        else:
            batches = self._people_batches(first)
        offset = 0
        while True:
            tick = time.perf_counter()
            batch = next(batches, None)
            if (
                self.parallel
            ):  # time the writer waited for rows (the worker's share of the wall time)
                self.clock.add("waiting for rows", tick)
            if batch is None:
                break
            self._write_people(batch)
            offset += batch.size
            self.report.people = offset
            self.progress("people", offset, self.n_people)

    def _people_batches(self, first: int) -> Iterator[_PeopleBatch]:
        """Rows of every batch of people, built without touching the database (so this
        can run in a forked process while the previous batch is written)."""
        seeds = self.generator.people(self.n_people, duplicate_rate=self.duplicate_rate)
        offset = 0
        while True:
            tick = time.perf_counter()
            chunk = list(islice(seeds, self.batch))
            generated = time.perf_counter() - tick
            if not chunk:
                return
            batch = self._people_rows(first, offset, chunk)
            batch.timings["generate"] = generated
            yield batch
            offset += len(chunk)

    def _people_rows(self, first: int, offset: int, chunk: list[PersonSeed]) -> _PeopleBatch:
        tick = time.perf_counter()
        batch = _PeopleBatch(size=len(chunk))
        people, emails, phones, household, stages, documents = (
            batch.people,
            batch.emails,
            batch.phones,
            batch.household,
            batch.stages,
            batch.documents,
        )
        names, phone_row, date_ = self.names, self.phones.row, self._date
        moments, n_moments, rnd = self._moments, len(self._moments), self.rnd
        owners, n_owners = self.owners, len(self.owners)
        for index, seed in enumerate(chunk, offset):
            person_id = first + index
            at, reached = moments[int(rnd() * n_moments)]
            owner, team = owners[person_id % n_owners]
            if seed.duplicate_of is not None:
                values, email_rows, phone_rows = self._cleaned_duplicate(seed, batch)
                emails.extend(email_row(person_id, *row) for row in email_rows)
                phones.extend(person_phone_row(person_id, row, True) for row in phone_rows)
                family, given, family_kana, given_kana = (
                    values["family_name"],
                    values["given_name"],
                    values["family_kana"],
                    values["given_kana"],
                )
                sort_kana = person_sort_kana(family, given, family_kana, given_kana)
                index_kana = kana_sort_key(family_kana, given_kana)
                address = (
                    values["postal_code"],
                    values["prefecture"],
                    values["city"],
                    values["address_line"],
                    values["building"],
                )
            else:
                family, given, family_kana, given_kana, sort_kana, index_kana = names.person(
                    seed.family_name, seed.given_name, seed.family_kana, seed.given_kana
                )
                address = (
                    seed.postal_code,
                    seed.prefecture,
                    seed.city,
                    seed.address_line,
                    seed.building,
                )
                if seed.email:
                    address_ = seed.email.lower()
                    emails.append(email_row(person_id, address_, "", True))
                if seed.phone:
                    row = phone_row(seed.phone)
                    if row is None:
                        batch.phones_rejected += 1
                    else:
                        phones.append(person_phone_row(person_id, row, True))
            people.append(person_row(
                person_id, at, address, owner, team,
                family, given, family_kana, given_kana, sort_kana, date_(seed.birthday), seed.gender,
                seed.preferences, seed.notes, seed.relationship_stage, seed.lifecycle, seed.source_channel,
            ))  # fmt: skip
            stages.append(stage_row(person_id, seed.relationship_stage, reached, None, at))
            for member in seed.household:
                household.append(
                    household_row(
                        person_id,
                        names.text(member.name),
                        member.kana,
                        member.relation,
                        date_(member.birthday),
                        at,
                    )
                )
            documents.append((person_id, family, given, family_kana, given_kana, index_kana))
        batch.timings["build"] = time.perf_counter() - tick
        return batch

    def _write_people(self, batch: _PeopleBatch) -> None:
        for name, seconds in batch.timings.items():
            name = f"{name} (worker)" if self.parallel else name
            self.report.timings[name] = round(self.report.timings.get(name, 0.0) + seconds, 3)
        self._insert(PEOPLE, batch.people)
        self._insert(EMAILS, batch.emails)
        self._insert(PHONES, batch.phones)
        self._insert(HOUSEHOLD, batch.household)
        self._insert(STAGE_CHANGES, batch.stages)
        tick = time.perf_counter()
        # Cut into grams here, once per distinct name and reading: with a worker building
        # the rows, this side of the pipe had the spare time.
        prepared, prepare = self._prepared, search.prepare_document
        documents = []
        for person_id, family, given, family_kana, given_kana, index_kana in batch.documents:
            key = (family, given, family_kana, given_kana)
            document = prepared.get(key)
            if document is None:
                document = prepared[key] = prepare(
                    [f"{family}{given}", f"{family_kana}{given_kana}"], index_kana
                )
            documents.append((person_id, *document))
        self.report.search_documents += bulk_write.index_people(documents)
        self.clock.add("search index", tick)
        self.report.emails += len(batch.emails)
        self.report.phones += len(batch.phones)
        self.report.household_members += len(batch.household)
        self.report.stage_changes += len(batch.stages)
        self.report.phones_rejected += batch.phones_rejected

    def _cleaned_duplicate(self, seed: PersonSeed, batch: _PeopleBatch):
        """A planted near-duplicate is written the odd way a second registration was
        (hiragana reading, full-width digits…): clean it exactly as the services do."""
        values = clean_person(
            {
                "family_name": seed.family_name,
                "given_name": seed.given_name,
                "family_kana": seed.family_kana,
                "given_kana": seed.given_kana,
                "postal_code": seed.postal_code,
                "prefecture": seed.prefecture,
                "city": seed.city,
                "address_line": seed.address_line,
                "building": seed.building,
            },
            creating=True,
        )
        email_rows = []
        if seed.email:
            try:
                email_rows = [
                    (r["address"], r["label"], r["is_primary"]) for r in clean_emails([seed.email])
                ]
            except ValidationFailed:
                email_rows = []
        phone_rows = []
        if seed.phone:
            row = self.phones.row(seed.phone)
            if row is None:
                batch.phones_rejected += 1
            else:
                phone_rows = [row]
        return values, email_rows, phone_rows

    # contacts ----------------------------------------------------------------------------

    def _contacts(self) -> None:
        person_first, company_first = self.report.first_person_id, self.report.first_company_id
        at = self._moments[0][0]
        links: Iterator = (
            contact_row(person_first + person, company_first + company, department, title, key, at)
            for person, company, department, title, key in self.generator.contacts(
                self.n_people, self.n_companies
            )
        )
        self.report.contacts = self._insert(CONTACTS, links)

    def _insert(self, table: Table, rows) -> int:
        tick = time.perf_counter()
        written = table.insert(rows)
        self.clock.add(table.name.removeprefix("customers_"), tick)
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
    parallel: bool | None = None,
) -> SeedReport:
    """Add ``people`` generated individual customers and ``companies`` companies (about
    one person in five linked to a company as a contact) to the ledger, in one transaction.

    ``owners`` is a list of ``(owner_id, team_id)`` the records are shared out among
    (round robin by id); without it the records have no owner. ``progress(stage, done,
    total)`` is called after every batch. The same ``seed`` gives the same customers.
    ``parallel`` builds the people's rows in a forked process while this one writes
    (default: for 20,000 people or more without planted duplicates); the rows are the same."""
    if people < 0 or companies < 0:
        raise ValueError("counts cannot be negative")
    loader = Loader(
        people=people,
        companies=companies,
        seed=seed,
        duplicate_rate=duplicate_rate,
        owners=owners,
        batch=batch,
        progress=progress,
        reference_date=reference_date,
        parallel=parallel,
    )
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
                actor=actor,
                action="seed",
                object_type="customers.person",
                object_id=report.first_person_id,
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
    index inserts then stay in memory), a second sorter thread for the index builds and
    the posting sort (two cores) and temporary tables in memory (the staged postings),
    restored afterwards. PostgreSQL needs nothing."""

    def __enter__(self):
        self.previous = None
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                cache = cursor.fetchone()[0]
                cursor.execute("PRAGMA threads")
                threads = cursor.fetchone()[0]
                cursor.execute("PRAGMA temp_store")
                self.previous = (cache, threads, cursor.fetchone()[0])
                cursor.execute("PRAGMA cache_size = -2000000")  # 2 GB, in KiB
                cursor.execute("PRAGMA threads = 2")
                cursor.execute("PRAGMA temp_store = MEMORY")  # the staged postings (~400 MB at 1M)
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self.previous[0])}")
                cursor.execute(f"PRAGMA threads = {int(self.previous[1])}")
                # SQLite refuses to change it inside the transaction once temporary
                # storage was used: then it stays in memory for this connection
                with contextlib.suppress(DatabaseError):
                    cursor.execute(f"PRAGMA temp_store = {int(self.previous[2])}")
        return False
