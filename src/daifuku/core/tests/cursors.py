"""Catch queries that run through a server-side cursor, in a test.

On PostgreSQL ``queryset.iterator()`` declares a named cursor (DECLARE … FETCH … CLOSE,
three round trips); Django logs only the SELECT, so ``CaptureQueriesContext`` cannot
tell. On SQLite there are no server-side cursors and nothing is caught."""

from __future__ import annotations

import contextlib

from django.db import connection


@contextlib.contextmanager
def declared_cursors():
    """Yield a list that fills with ``DECLARE <name> CURSOR FOR <sql>`` for every query
    run through a named (server-side) cursor inside the block."""
    declared: list[str] = []

    def watch(execute, sql, params, many, context):
        name = getattr(context["cursor"].cursor, "name", None)
        if name:
            declared.append(f"DECLARE {name} CURSOR FOR {sql}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield declared
