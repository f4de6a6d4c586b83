"""The import pipeline: file rows → cleaned rows → all-or-nothing batches in the ledger.

Why a bulk path and not ``create_person`` per row: a million rows through the per-row
service cost a million audit entries, search-index transactions and round trips (hours on
SQLite). The bulk path keeps the services' rules and changes only how rows are written:

* every row is cleaned by the same functions the services use (``clean_person``,
  ``clean_emails``/``clean_phones``, ``clean_custom_values`` for required custom fields);
  what makes that affordable for a million rows are core.japanese's fast paths for plain
  domestic phone numbers and ASCII emails and its caches of short normalised values;
* new people get reserved consecutive ids and are written with ``core.db.bulk_insert``
  (COPY on PostgreSQL) together with their emails, phones, stage history, tags, consent and
  search documents (``core.search.bulk_index``);
* rows that update an existing customer go through ``update_person`` itself (its own audit
  entry with the changed fields), and the values they replaced are kept for undo;
* one audit entry per batch (action ``import``, the run's batch id, the rows and the id
  range it created) instead of one per created row: the audit trail stays readable and
  the import stays fast, while every created person is still traceable to the entry that
  created it through that id range;
* each batch is one transaction: a batch either lands completely or not at all.

Cleaning is CPU work and independent per row, so large files are cleaned by worker
processes (fork) while the main process writes the previous batch.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
from collections.abc import Callable

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core import bulk_load, db
from daifuku.core.models import SearchDocument
from daifuku.customers.models import EmailAddress, Person, PhoneNumber

from . import mapping as mapping_module
from . import targets
from .models import ExternalId, ImportRowOutcome, ImportRun
from .prepare import Preparer, Row, _activate_time_zone, _chunks, prepared_rows
from .readers import open_table
from .writer import Writer

__all__ = ["Preparer", "Row", "Writer", "execute", "prepared_rows", "summary_json", "workers_for"]

# Rows per batch below LARGE_FROM. A batch of a few thousand rows scattered over a large
# ledger touches one index page per index entry, and every commit writes those pages out:
# 10,000 rows into the million-customer SQLite ledger took 2.9-3.0 s as one batch against
# 3.5-3.7 s as two (first runs, alternating, 2026-12-03).
BATCH = 10_000
# Large files: every commit writes out each index page its batch touched, and in a ledger of
# a million customers even a 5,000-row batch touches most pages of the reading and n-gram
# indexes — so the write volume per row falls with the batch size (200,000 rows into a
# million-customer ledger on SQLite: 13 GB written with 20,000-row batches, 6 GB with
# 50,000, 3.9 GB with the log checkpointed every 1 GB). 50,000 rows keep the importing
# process under 1.5 GB; still one progress step per 5 % of a million rows.
LARGE_BATCH = 50_000
LARGE_FROM = 200_000  # rows
# SQLite page cache while importing. A 50,000-row batch touches more index pages than any
# affordable cache holds, so 128 MB writes and reads as much as 256 MB did (measured: the
# same bytes written, the same CPU) and keeps a million-row import under 1.5 GB.
WRITE_CACHE_MB = 128
LARGE_CHECKPOINT_MB = (
    1024  # SQLite: log size between checkpoints in a large import (core.db.write_cache)
)
BULK_LOAD_SHARE = (
    0.5  # of the ledger's people: a file this large is loaded as a bulk load (_as_bulk_load)
)
PARALLEL_FROM = 5_000  # rows; below this the workers cost more than they save


def workers_for(total: int) -> int:
    configured = os.environ.get("DAIFUKU_IMPORT_WORKERS")
    if configured is not None:
        return max(0, int(configured))
    if total < PARALLEL_FROM:
        return 0
    return max(1, min(4, (os.cpu_count() or 2)))


def execute(
    run: ImportRun, *, actor, progress: Callable[..., None] | None = None, total: int | None = None
) -> ImportRun:
    """Import ``run``'s file with its mapping; counts on the run, outcomes stored.
    ``progress(done, total)`` after every batch; a bulk load's last call adds ``message=``
    (what it is doing while its indexes are built)."""
    table = open_table(run.file.path, run.file_format, run.encoding)
    definitions = targets.custom_definitions(run.target)
    plan = mapping_module.compile_mapping(
        table.headers, run.mapping, {**mapping_module.FIELDS, **definitions}
    )
    preparer = Preparer(plan, consent_statement=run.consent_statement, definitions=definitions)
    writer = Writer(run, actor)
    done = 0
    number = 0
    was_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived objects, no cycles
    previous_zone = timezone.get_current_timezone()
    _activate_time_zone()
    try:
        large = (total or 0) >= LARGE_FROM
        size = LARGE_BATCH if large else BATCH
        # The workers clean up to a whole batch ahead: while the writer writes one, the next is
        # cleaned. With 20,000 rows ahead of 50,000-row batches the writer waited 16 s of a
        # million-row import for rows, and the workers idled meanwhile (110-112 s -> 99-107 s,
        # peak RSS +50 MB; two batches ahead: no faster, +150 MB).
        rows = prepared_rows(table.rows, preparer, workers=workers_for(total or 0), ahead=size)
        # A smaller file keeps the connection's own settings: with memory-mapped reads its few
        # batches read the ledger's index pages straight from the operating system's cache
        # (10,000 rows into the million-customer ledger: 4.1-6.9 s against 6.0-7.9 s with the
        # 128 MB cache and no mapping, alternating runs on the loaded 2-core machine).
        cache = (
            db.write_cache(WRITE_CACHE_MB, checkpoint_mb=LARGE_CHECKPOINT_MB)
            if large
            else contextlib.nullcontext()
        )
        people = functools.cache(Person.objects.count)  # the ledger's size, counted once if asked
        statistics = _Statistics(total, people)
        repair_unless_importing(excluding=run.pk)
        bulk = _as_bulk_load(run, total, people)
        deferred = bulk_load.deferred(bulk_load.registered()) if bulk else contextlib.nullcontext()
        with deferred, cache:
            for batch in _chunks(rows, size):
                number += 1
                outcomes = writer.write(number, batch)
                keep = (
                    outcomes
                    if run.dry_run
                    else [
                        o
                        for o in outcomes
                        if o.action in ("failed", "updated") or "warnings" in o.changes
                    ]
                )
                ImportRowOutcome.objects.bulk_create(keep, batch_size=1000)
                done += len(batch)
                statistics.after(done)
                if progress:
                    progress(done, total)
                if done // 100_000 != (done - len(batch)) // 100_000:
                    gc.collect(
                        0
                    )  # now and then: a scan of young objects costs as much as a batch's rows
            if (
                bulk and progress
            ):  # the indexes are built when the block ends: say so, it takes a while
                progress(
                    done,
                    total,
                    message=_(
                        "All rows are in. Building the customer lists' indexes and "
                        "the name search for them…"
                    ),
                )
    finally:
        timezone.activate(previous_zone)
        if was_enabled:
            gc.enable()
    counts = writer.counts
    ImportRun.objects.filter(pk=run.pk).update(
        total_rows=done,
        created_count=counts["created"],
        updated_count=counts["updated"],
        failed_count=counts["failed"],
        unchanged_count=counts["unchanged"],
        merged_count=counts["merged"],
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


class _Statistics:
    """Keeps PostgreSQL's planner statistics of the tables an import grows up to date.

    The upsert looks every batch's keys up in the ledger, and PostgreSQL plans those
    lookups from the tables' statistics. Autovacuum refreshes them only after a while (and
    not at all where it is off), so an import into a small ledger went on being planned
    for the ledger as it was: a million rows into an empty PostgreSQL ledger took 193 s, the
    last four batches' lookups 8-10 s each (57 s in all); with the statistics refreshed
    whenever the ledger has doubled, 147-152 s (lookups 22 s). ``ANALYZE`` reads a sample:
    a fraction of a second. SQLite plans these lookups from the indexes alone."""

    GROWN = (
        Person,
        EmailAddress,
        PhoneNumber,
        ExternalId,
        SearchDocument,
    )  # the upsert's lookups read these

    def __init__(self, total: int | None, people: Callable[[], int]) -> None:
        # a file of one batch never reaches a second lookup: no count, no ANALYZE
        self.active = db.vendor() == "postgresql" and (total is None or total > BATCH)
        if self.active:
            self.before = people()
            self.next_at = max(self.before, BATCH)

    def after(self, done: int) -> None:
        if self.active and done >= self.next_at:
            db.analyze([model._meta.db_table for model in self.GROWN])
            self.next_at = 2 * (self.before + done)


def repair_unless_importing(*, excluding: int | None = None) -> None:
    """Finish what a killed bulk load left (core.bulk_load.repair) — unless another import
    is running: it may be a bulk load, and rebuilding its indexes would lock its batches
    out. Then the next import, the stalled-job recovery or ``migrate`` does it."""
    if not ImportRun.objects.filter(status=ImportRun.Status.RUNNING).exclude(pk=excluding).exists():
        bulk_load.repair()


def _as_bulk_load(run: ImportRun, total: int | None, people: Callable[[], int]) -> bool:
    """Whether this import builds the lists' indexes and the name search's postings after
    its last batch instead of batch by batch (core.bulk_load): a large file that is at
    least half the size of the ledger (a first migration, a merger of two customer bases).
    A million rows into the million-customer SQLite ledger (2026-12-04): 301 s batch by
    batch, 249 s with the indexes set aside, 177-181 s with the postings merged at the end
    too. Setting the indexes aside for 200,000 rows into it gained nothing (56.5 against
    52.2 s, 2026-12-03): their rebuild covers the whole ledger. A dry run writes nothing to
    defer. ``DAIFUKU_IMPORT_BULK_LOAD=1``/``0`` forces it on or off."""
    if run.dry_run or connection.in_atomic_block:
        return False
    forced = os.environ.get("DAIFUKU_IMPORT_BULK_LOAD")
    if forced is not None:
        return forced == "1"
    return (total or 0) >= LARGE_FROM and total >= people() * BULK_LOAD_SHARE


def summary_json(run: ImportRun) -> str:
    return json.dumps(
        {"created": run.created_count, "updated": run.updated_count, "failed": run.failed_count}
    )
