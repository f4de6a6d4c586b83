"""The only place that knows which database it talks to (DESIGN.md convention 7).

Everything above this module uses the ORM or these small helpers; SQL that differs between
SQLite and PostgreSQL lives here and is tested on both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


def vendor() -> str:
    return connection.vendor  # "sqlite" | "postgresql"


def contains_sql(haystack: str, placeholder: str = "%s") -> str:
    """SQL that is true when ``haystack`` contains the parameter as a plain substring
    (no LIKE wildcards to escape)."""
    if vendor() == "postgresql":
        return f"strpos({haystack}, {placeholder}) > 0"
    return f"instr({haystack}, {placeholder}) > 0"


def bulk_insert(table: str, columns: Sequence[str], rows: Iterable[Sequence], *, batch: int = 50_000) -> int:
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
    """Reserve ``count`` consecutive primary keys for a bulk insert; returns the first.

    On PostgreSQL the sequence is advanced atomically; on SQLite (one writer at a time under
    IMMEDIATE transactions) the next id is max(id)+1 inside the caller's transaction.
    """
    with connection.cursor() as cursor:
        if vendor() == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "COALESCE((SELECT last_value FROM pg_sequences "
                "WHERE schemaname || '.' || sequencename = pg_get_serial_sequence(%s, 'id')), 0) + %s)",
                [table, table, count],
            )
            last = cursor.fetchone()[0]
            return last - count + 1
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        return cursor.fetchone()[0] + 1


def analyze(tables: Sequence[str] = ()) -> None:
    """Refresh planner statistics after a bulk load so the indexes get used."""
    with connection.cursor() as cursor:
        if vendor() == "postgresql":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
