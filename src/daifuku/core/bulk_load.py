"""A bulk load as large as the ledger: its list indexes and search postings built after it.

A customer list's indexes (五十音順 per owner, team, prefecture, stage …) and the search's
posting lists are B-trees into which every new row goes at a scattered place. A batch of
50,000 rows touches nearly every page of each of them, and each batch's commit writes those
pages out again — twenty times for a million rows. Built once after the load, an index
sorts its entries and writes each page once; postings merged once in key order extend
each posting list in one pass.

So, while :func:`deferred` is active:

* the registered secondary indexes (:func:`register`) are dropped, and built again from
  the models' declarations when the load ends;
* new search documents get their postings written to a backlog table (one row per
  document, committed with its batch) instead of the posting lists; when the load ends
  the backlog is merged into the posting lists in key order. Until then those documents
  are not found by a name search (lists and filters show them as each batch lands).
  Editing or removing such a document takes it out of the backlog first (core.search).

Unlike :func:`daifuku.core.db.deferred_indexes` (seeding: one transaction, rolled back
whole), an import commits every batch, so a load that is killed leaves indexes missing
and postings in the backlog. Nothing else needs remembering to repair that — the indexes
are the ones the models declare and the backlog is committed data — and :func:`repair`
does it at the start of every import, after every ``migrate`` and on demand
(``daifuku restore_indexes``). Queries stay correct meanwhile, only slower.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

from django.db import IntegrityError, connection, models, transaction

from . import search
from .leapfrog import BACKLOG_TABLE, DOC_TABLE, GRAM_TABLE  # tables of models.PostingBacklog, …

__all__ = [
    "BACKLOG_TABLE",
    "deferred",
    "merge_backlog",
    "missing",
    "register",
    "registered",
    "repair",
    "restore_indexes",
]

# (model, index name) pairs that bulk loads may set aside; registered by the domain apps
# that know which of their indexes no write path needs while a load runs.
_REGISTERED: list[tuple[type[models.Model], str]] = []

Pairs = Sequence[tuple[type[models.Model], str]]


def register(model: type[models.Model], names: Iterable[str]) -> None:
    """Allow bulk loads to set these ``Meta.indexes`` of ``model`` aside."""
    declared = {index.name for index in model._meta.indexes}
    for name in names:
        if name not in declared:
            raise ValueError(f"{model._meta.label} declares no index {name!r}")
        if (model, name) not in _REGISTERED:
            _REGISTERED.append((model, name))


def registered() -> list[tuple[type[models.Model], str]]:
    return list(_REGISTERED)


def _create_sql(model: type[models.Model], name: str) -> str:
    # A schema editor that is never entered only renders SQL: entering one on SQLite
    # would switch foreign-key enforcement off and check the whole database on exit.
    editor = connection.schema_editor(collect_sql=True)
    index = next(index for index in model._meta.indexes if index.name == name)
    return str(index.create_sql(model, editor))


def _existing(tables: Iterable[str]) -> set[str]:
    """Names of the indexes the database has on these tables — one catalog query (the
    introspection API parses every table's definition: 50-90 ms at every import's start)."""
    tables = sorted(set(tables))
    if not tables:
        return set()
    marks = ", ".join(["%s"] * len(tables))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks})",
                tables,
            )
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                f"AND tablename IN ({marks})",
                tables,
            )
        return {row[0] for row in cursor.fetchall()}


def missing(pairs: Pairs | None = None) -> list[tuple[type[models.Model], str]]:
    """The registered (or given) indexes that the database lacks."""
    pairs = registered() if pairs is None else list(pairs)
    present = _existing(model._meta.db_table for model, _name in pairs)
    return [(model, name) for model, name in pairs if name not in present]


# SQLite's sorter while it builds an index or orders the backlog. It sorts in runs the size
# of the page cache and merges them; runs of a few megabytes stay in the processor's cache,
# and with helper threads two runs are sorted at once. On the million-customer ledger
# (2026-12-04, 2 cores): the twelve registered indexes 11.2 s with the usual 64 MB cache and
# no helpers, 7.4 s with a 4 MB cache, 5.8 s with two helper threads as well; the 12-million
# posting backlog merge 18 s -> 9.5 s. A larger cache was slower still (16 MB: 8.2 s), an
# in-memory sort slower than all (15.3 s).
SORT_CACHE_KB = 4_000
SORT_THREADS = 2


@contextlib.contextmanager
def _sorting_on_disk() -> Iterator[None]:
    """SQLite sorts an index's entries (or the backlog) in small runs in temporary files,
    with helper threads (SORT_CACHE_KB, SORT_THREADS), not memory-mapped: the project's
    ``temp_store=MEMORY`` would hold a million-row sort in the process's memory, and with
    ``mmap_size`` set SQLite maps the sort's files into it (a million rows into the
    million-customer ledger peaked at 1.7 GB with the first, 1.5 GB with the second)."""
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
        yield
        return
    if connection.in_atomic_block:  # SQLite cannot switch temp_store inside a transaction
        yield
        return
    with connection.cursor() as cursor:
        previous = {}
        for pragma, value in (
            ("temp_store", "FILE"),
            ("mmap_size", "0"),
            ("cache_size", f"-{SORT_CACHE_KB}"),
            ("threads", str(SORT_THREADS)),
        ):
            cursor.execute(f"PRAGMA {pragma}")
            row = cursor.fetchone()
            previous[pragma] = int(row[0]) if row else None
            cursor.execute(f"PRAGMA {pragma} = {value}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for pragma, value in previous.items():
                if value is not None:
                    cursor.execute(f"PRAGMA {pragma} = {value}")


def restore_indexes(pairs: Pairs | None = None) -> list[str]:
    """Build every registered (or given) index the database lacks; returns their names.
    Each ``CREATE INDEX`` commits on its own (autocommit), so a restore that is itself
    interrupted keeps what it built."""
    built = []
    absent = missing(pairs)
    if absent:
        with _sorting_on_disk():
            for model, name in absent:
                with connection.cursor() as cursor:
                    cursor.execute(_create_sql(model, name))
                built.append(name)
    return built


def merge_backlog() -> int:
    """Move the backlog's postings into the posting lists, in key order, in one
    transaction; returns the number of documents merged."""
    with connection.cursor() as cursor:  # the usual case, cheaply: nothing to merge
        cursor.execute(f"SELECT 1 FROM {BACKLOG_TABLE} LIMIT 1")
        if cursor.fetchone() is None:
            return 0
    with _sorting_on_disk(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {BACKLOG_TABLE}")
        documents = cursor.fetchone()[0]
        if not documents:
            return 0
        if connection.vendor == "sqlite":
            cursor.execute(search.merge_postings_sql(BACKLOG_TABLE, skip_present=True))
        else:
            _merge_on_postgresql(cursor, documents)
        cursor.execute(f"DELETE FROM {BACKLOG_TABLE}")
    return documents


def _merge_on_postgresql(cursor, documents: int) -> None:
    """A large backlog is appended with the posting table's key dropped, and the key is
    built again (a million documents into the million-customer ledger: 34 s, against 65 s
    inserting into the key with a conflict check). A key that no longer builds (a posting
    was written twice — which core.search prevents) falls back to the checked insert."""
    select = (
        f"SELECT g, b.sort_key, b.document_id FROM {BACKLOG_TABLE} b, "
        "unnest(translate(b.grams, '[]', '{}')::bigint[]) g"
    )
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute(f"SELECT count(*) FROM {DOC_TABLE}")
    if documents * 4 >= cursor.fetchone()[0]:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'p'",
            [GRAM_TABLE],
        )
        key = cursor.fetchone()
        if key is not None:
            try:
                with transaction.atomic():
                    cursor.execute(f'ALTER TABLE {GRAM_TABLE} DROP CONSTRAINT "{key[0]}"')
                    cursor.execute(
                        f"INSERT INTO {GRAM_TABLE} (gram, sort_key, document_id) {select}"
                    )
                    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                    cursor.execute(f'ALTER TABLE {GRAM_TABLE} ADD CONSTRAINT "{key[0]}" {key[1]}')
                return
            except IntegrityError:
                pass
    cursor.execute(
        f"INSERT INTO {GRAM_TABLE} (gram, sort_key, document_id) {select} ORDER BY 1, 2, 3 "
        "ON CONFLICT DO NOTHING"
    )


def repair() -> dict[str, object]:
    """Finish what a killed bulk load left: backlog merged, missing indexes built."""
    return {"documents": merge_backlog(), "indexes": restore_indexes()}


@contextlib.contextmanager
def deferred(pairs: Pairs) -> Iterator[list[str]]:
    """Drop these indexes (each must be registered) and send new documents' postings to
    the backlog for the duration of the block; merge the backlog and build the indexes
    again when it ends, whether it ends well or not. Yields the index names dropped.
    Must run outside a transaction: the drops are committed before the load starts."""
    if connection.in_atomic_block:
        raise RuntimeError("deferred() commits its drops: call it outside transaction.atomic()")
    unknown = [name for model, name in pairs if (model, name) not in _REGISTERED]
    if unknown:
        raise ValueError(f"not registered as deferrable: {unknown}")
    present = _existing(model._meta.db_table for model, _name in pairs)
    dropped = [(model, name) for model, name in pairs if name in present]
    with connection.cursor() as cursor:
        for _model, name in dropped:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    try:
        with search.postings_to(BACKLOG_TABLE):
            yield [name for _model, name in dropped]
    finally:
        _finish(pairs)


def _finish(pairs: Pairs) -> None:
    """Merge the backlog and build the indexes (any a killed load left missing too: all of
    them are in ``pairs``). On PostgreSQL the merge runs on a connection of its own beside
    the index builds — different tables, and the server has a process per connection for
    the second core (a million rows into the million-customer ledger: 36 s + 36 s one
    after the other). SQLite has one writer: one after the other."""
    if connection.vendor != "postgresql":
        try:
            merge_backlog()
        finally:  # the lists need their indexes even if the merge failed (repair retries it)
            restore_indexes(pairs)
        return
    with ThreadPoolExecutor(max_workers=1) as beside:
        merged = beside.submit(_on_own_connection, merge_backlog)
        try:
            restore_indexes(pairs)
        finally:
            merged.result()


def _on_own_connection(work):
    try:
        return work()
    finally:
        connection.close()  # this thread's own connection (Django's are per thread)
