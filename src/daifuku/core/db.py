"""The only place that knows which database it talks to (docs/architecture.md convention 7).

Everything above this module uses the ORM or these small helpers; SQL that differs between
SQLite and PostgreSQL lives here and is tested on both.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence

import orjson
from django.db import connection
from django.db.models.expressions import RawSQL


def vendor() -> str:
    return connection.vendor  # "sqlite" | "postgresql"


def contains_sql(haystack: str, placeholder: str = "%s") -> str:
    """SQL that is true when ``haystack`` contains the parameter as a plain substring
    (no LIKE wildcards to escape)."""
    if vendor() == "postgresql":
        return f"strpos({haystack}, {placeholder}) > 0"
    return f"instr({haystack}, {placeholder}) > 0"


def one_of(values: Sequence[str]) -> RawSQL:
    """The right-hand side of ``filter(field__in=one_of(values))``: any number of text values
    as one parameter (a JSON array on SQLite, an array on PostgreSQL) instead of one
    parameter each. An import looks 50,000 keys up per batch: in chunks of 900 parameters
    that was 56 queries, each planned anew; this is one (both databases still walk the
    field's index once per value)."""
    if vendor() == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", [list(values)])
    return RawSQL("SELECT value FROM json_each(%s)", [orjson.dumps(list(values)).decode()])


def json_array_agg(expression: str) -> str:
    """An aggregate collecting ``expression`` over a group into a JSON array, as text
    (read it back with :func:`json_array`; a group of no rows may give NULL). Text on
    PostgreSQL too: psycopg builds a Python JSON loader for each json column of each
    result, 60 µs of an API page's 1.5 ms."""
    if vendor() == "postgresql":
        return f"json_agg({expression})::text"
    return f"json_group_array({expression})"


def json_array(value) -> list:
    """What :func:`json_array_agg` returned, as a list."""
    if value is None or value == "[]":
        return []
    return orjson.loads(value)


def json_timestamp_sql(column: str) -> str:
    """SQL reading an aware timestamp column for :func:`json_timestamp`. PostgreSQL writes
    the JSON text itself: Django's loader for timestamptz runs Python for each value (4 µs,
    a twentieth of an API page of 20 people); SQLite's stored text is finished in Python."""
    if vendor() == "postgresql":
        utc = f"({column} AT TIME ZONE 'UTC')"
        return (
            f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN date_trunc('second', {column}) = {column}"
            f" THEN '' ELSE to_char({utc}, '.MS') END || 'Z'"
        )
    # An expression has no declared type, so Django's sqlite3 converters leave the text be.
    return f"CAST({column} AS TEXT)"


def json_timestamp_reader() -> Callable[[str | None], str | None]:
    """The function turning a :func:`json_timestamp_sql` value into Django's JSON text
    for that datetime (``2026-11-22T12:21:29.123Z``: milliseconds cut, not rounded, none
    when the time has no fraction; UTC as ``Z``). Fetch it once per statement: asking
    which database this is costs more than a row."""
    return _sqlite_json_timestamp if vendor() == "sqlite" else _as_is


def _as_is(value):
    return value


def _sqlite_json_timestamp(value: str | None) -> str | None:
    if value is None:
        return value
    # SQLite holds what Django's adapter wrote: "YYYY-MM-DD HH:MM:SS[.ffffff]", UTC.
    if len(value) == 19 and value[10] == " ":
        return f"{value[:10]}T{value[11:]}Z"
    if len(value) == 26 and value[10] == " " and value[19] == ".":
        return (
            f"{value[:10]}T{value[11:19]}Z"
            if value[20:] == "000000"
            else f"{value[:10]}T{value[11:23]}Z"
        )
    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils.dateparse import parse_datetime

    parsed = parse_datetime(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return DjangoJSONEncoder().default(parsed.astimezone(datetime.UTC))


def bulk_insert(
    table: str, columns: Sequence[str], rows: Iterable[Sequence], *, batch: int = 50_000
) -> int:
    """Insert many rows as fast as the database allows: COPY on PostgreSQL, batched
    executemany on SQLite. Used by seeding, imports and index rebuilds — never by
    request handlers. Returns the number of rows written."""
    cols = ", ".join(columns)
    written = 0
    with connection.cursor() as cursor:
        if vendor() == "postgresql":
            raw = cursor.cursor  # psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
        raw = cursor.cursor  # sqlite3 cursor: '?' placeholders, no Django rewriting
        chunk: list[Sequence] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                raw.executemany(sql, chunk)
                written += len(chunk)
                chunk = []
        if chunk:
            raw.executemany(sql, chunk)
            written += len(chunk)
    return written


def next_ids(table: str, count: int) -> int:
    """Reserve ``count`` consecutive primary keys of ``table`` for a bulk insert; returns
    the first (rows can then be written with explicit ids, and rows that point at them —
    emails, phones, search documents — without reading any id back).

    Must run inside ``transaction.atomic()``; the reservation holds until it ends:

    * PostgreSQL: the table is locked against other writers (EXCLUSIVE: reads go on), the
      identity sequence is moved past the range, and the range starts after both the
      sequence and ``MAX(id)`` (rows written with explicit ids never collide).
    * SQLite: IMMEDIATE transactions already make the caller the only writer; the range
      starts after ``MAX(id)`` and after ``sqlite_sequence`` (AUTOINCREMENT never reuses the
      id of a deleted row, so neither do we), and ``sqlite_sequence`` is moved past it.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("next_ids() must be called inside transaction.atomic()")
    with connection.cursor() as cursor:
        if vendor() == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cursor.execute(
                f"SELECT GREATEST(nextval(pg_get_serial_sequence(%s, 'id')), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1)",
                [table],
            )
            first = cursor.fetchone()[0]
            if count > 0:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [table, first + count - 1],
                )
            else:  # nothing reserved: give the value back to the sequence
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, first]
                )
            return first
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0)) + 1",
            [table],
        )
        first = cursor.fetchone()[0]
        if count > 0:
            last = first + count - 1
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last, table])
            if cursor.rowcount == 0:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last]
                )
        return first


def analyze(tables: Sequence[str] = ()) -> None:
    """Refresh planner statistics after a bulk load so the indexes get used."""
    with connection.cursor() as cursor:
        if vendor() == "postgresql":
            for table in tables or [None]:
                cursor.execute(f"ANALYZE {table}" if table else "ANALYZE")
        else:
            # Sample at most a few thousand rows per index: exact statistics over a
            # million-row table take half a minute and do not change the plans.
            cursor.execute("PRAGMA analysis_limit = 4000")
            cursor.execute("ANALYZE")


@contextlib.contextmanager
def deferred_indexes(
    tables: Sequence[str], *, rebuild_keys: Sequence[str] = ()
) -> Iterator[list[str]]:
    """For a bulk load into tables that are still empty: drop their secondary indexes
    now and build them again when the block ends (building an index once from sorted data
    is several times cheaper than updating it row by row). Tables that already hold rows
    keep their indexes. Unique indexes stay, so duplicates are still refused as they
    arrive — except the primary keys of the PostgreSQL tables named in ``rebuild_keys``
    (posting tables such as the search grams), which are added back at the end and fail
    the load there if anything collides. Must run inside ``transaction.atomic()``: if the
    load fails, the rollback restores the indexes too. Yields the emptied tables."""
    if not connection.in_atomic_block:
        raise RuntimeError("deferred_indexes() must be used inside transaction.atomic()")
    statements: list[str] = []
    empty: list[str] = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")
            if cursor.fetchone() is not None:
                continue
            empty.append(table)
            if vendor() == "postgresql":
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND tablename = %s AND indexname NOT IN "
                    "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                    [table, table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f'DROP INDEX "{name}"')
                    statements.append(definition)
                if table in rebuild_keys:
                    cursor.execute(
                        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = %s::regclass AND contype = 'p'",
                        [table],
                    )
                    for name, definition in cursor.fetchall():
                        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                        statements.append(
                            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                        )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f'DROP INDEX "{name}"')
                    statements.append(definition)
    yield empty
    with connection.cursor() as cursor:
        if vendor() == "postgresql" and statements:
            # Deferred foreign-key checks must run before an index can be built on a table
            # they touch; they would run at commit anyway.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in statements:
            cursor.execute(statement)


@contextlib.contextmanager
def write_cache(megabytes: int, *, checkpoint_mb: int = 0) -> Iterator[None]:
    """A page cache of ``megabytes`` on this connection while a bulk write runs (the index
    pages that consecutive batches touch stay in memory instead of being written out and
    read back), restored afterwards. Memory-mapped reads are off meanwhile: every page a
    bulk write touches is copied into the cache anyway, and a mapping of a multi-gigabyte
    database would add up to its size to the process's memory.

    ``checkpoint_mb``: let the write-ahead log grow to about that size before SQLite copies
    it into the database file (SQLite's default: every 4 MB). Consecutive batches of a bulk
    write dirty mostly the same index pages; checkpointing after every batch copies each of
    them into the database file once per batch, a larger interval once per interval (a
    200,000-row import into a million-customer ledger wrote 3.9 GB instead of 6 GB). The
    log is checkpointed and truncated when the block ends.
    SQLite only: PostgreSQL's buffers and checkpoints belong to the server."""
    if vendor() != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA mmap_size")
        row = cursor.fetchone()
        mapped = int(row[0]) if row else 0
        cursor.execute("PRAGMA wal_autocheckpoint")
        autocheckpoint = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
        cursor.execute("PRAGMA mmap_size = 0")
        if checkpoint_mb:
            cursor.execute("PRAGMA page_size")
            pages = checkpoint_mb * 1024 * 1024 // int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA wal_autocheckpoint = {max(1, pages)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")
            cursor.execute(f"PRAGMA mmap_size = {mapped}")
            if checkpoint_mb:
                cursor.execute(f"PRAGMA wal_autocheckpoint = {autocheckpoint}")
                if not connection.in_atomic_block:
                    # TRUNCATE gives the log's disk space back; with readers still on an
                    # old snapshot it does what it can and the next checkpoint finishes.
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
