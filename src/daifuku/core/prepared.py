"""Statements run on every keystroke, planned once per connection on PostgreSQL.

The search box sends one statement per keystroke, and on PostgreSQL planning it cost as
much as running it: 0.3–0.9 ms for a search with its names joined (customers_person has
many indexes to consider), against 0.05–0.3 ms of execution. A prepared statement is
planned once per connection. Django turns psycopg's automatic preparation off (it breaks
connection poolers that do not keep sessions), so this prepares explicitly, only the
statements given to :func:`execute`, and remembers per connection which it prepared.

PostgreSQL plans a prepared statement again for its values on each of the first five
runs and then keeps doing so whenever the generic plan's estimate looks dearer — which it
did for every search statement (the estimate of a walk that stops after 21 rows knows
nothing of the stop), so preparing saved nothing. The connection that prepares sets
``plan_cache_mode = force_generic_plan``: only prepared statements (ours alone: Django
prepares none) and PL/pgSQL's cached plans read it; the search's plans are index walks
whatever the values (1.8 → 0.6 ms for the last four digits of a phone number at a million
people). Set inside a transaction that rolls back, it is undone: the statements then
are planned per run again — slower, never wrong.

Only statements whose text does not change with the values belong here — every value a
parameter — or each would be prepared once and never used again. SQLite caches its own
compiled statements, so there this is a plain ``execute``; so it is on PostgreSQL behind
a pooler that does not keep a session per connection (pgbouncer in transaction mode):
set the environment variable ``DAIFUKU_PREPARED_STATEMENTS=0`` then (settings
``DAIFUKU_PREPARED_STATEMENTS``).

This saves the *server's* planning; :mod:`daifuku.core.fixed_query` saves the ORM's
compiling on the client. Which tool when: docs/performance.md.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Sequence

from django.conf import settings
from django.db import connection

MOST_PREPARED = 200  # per connection; past it they are all forgotten and prepared anew
_PLACEHOLDER = re.compile(r"%s|%%")
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # psycopg connection -> names


def one_statement_pays() -> bool:
    """Whether an answer is cheaper as one wide statement than as two narrow ones: on
    PostgreSQL each statement is a round trip and a plan; SQLite runs in-process, where
    joining what the second statement would read (and preparing every part of it, used or
    not) cost more than the second statement (0.1–0.2 ms a search box answer)."""
    return connection.vendor == "postgresql"


def execute(cursor, sql: str, params: Sequence) -> None:
    """``cursor.execute(sql, params)``; on PostgreSQL through a statement prepared once
    per connection (``PREPARE``, then ``EXECUTE`` with the values)."""
    if connection.vendor != "postgresql" or not getattr(
        settings, "DAIFUKU_PREPARED_STATEMENTS", True
    ):
        cursor.execute(sql, params)
        return
    names = _prepared.setdefault(connection.connection, set())
    name = "daifuku_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
    if name not in names:
        if len(names) >= MOST_PREPARED:
            cursor.execute("DEALLOCATE ALL")
            names.clear()
        numbers = iter(range(1, len(params) + 1))
        cursor.execute(
            f"SET plan_cache_mode = force_generic_plan; PREPARE {name} AS "
            + _PLACEHOLDER.sub(
                lambda found: f"${next(numbers)}" if found.group() == "%s" else "%", sql
            )
        )
        names.add(name)  # after it succeeded; PREPARE outlives a rollback of its transaction
    cursor.execute(
        f"EXECUTE {name} ({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}",
        params,
    )


def forget() -> None:
    """Forget what this connection prepared (tests; a server that dropped them)."""
    if connection.vendor == "postgresql" and connection.connection is not None:
        _prepared.pop(connection.connection, None)
