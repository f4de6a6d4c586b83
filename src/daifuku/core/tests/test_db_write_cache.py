"""core.db.write_cache: the bulk-write settings of an SQLite connection are set for the
block and given back afterwards (a connection is reused by the next request or job)."""

from __future__ import annotations

import pytest
from django.db import connection

from daifuku.core import db


def _pragma(name: str) -> int | None:
    """The setting's value; None where the database has none (mmap_size of an in-memory
    test database)."""
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        row = cursor.fetchone()
        return int(row[0]) if row else None


@pytest.mark.django_db(transaction=True)
def test_write_cache_sets_and_restores_the_connection_settings():
    if connection.vendor != "sqlite":
        with db.write_cache(64, checkpoint_mb=8):  # nothing to set on PostgreSQL, and no error
            pass
        return
    before = {name: _pragma(name) for name in ("cache_size", "mmap_size", "wal_autocheckpoint")}
    page_size = _pragma("page_size")
    with db.write_cache(64, checkpoint_mb=8):
        assert _pragma("cache_size") == -64 * 1024
        assert _pragma("mmap_size") in (0, None)
        assert _pragma("wal_autocheckpoint") == 8 * 1024 * 1024 // page_size
    assert {name: _pragma(name) for name in before} == before
    with db.write_cache(64):  # without checkpoint_mb the interval is left alone
        assert _pragma("wal_autocheckpoint") == before["wal_autocheckpoint"]
