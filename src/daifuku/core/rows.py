"""Rows of one model read with hand-written SQL, converted as the ORM converts them.

A few reads run on every request (the bearer-token check, the API's list page) and there
compiling the ORM query costs several times more CPU than running it. Those reads write
their SQL once and use :func:`converter` so the values that come back are what the ORM
would have returned (SQLite hands back datetimes as text and booleans as 0/1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections


def converter(
    model, names: tuple[str, ...], using: str = DEFAULT_DB_ALIAS, *, wrapper=None
) -> Callable[[Sequence], list]:
    """A function turning a raw row whose columns are ``model``'s fields ``names``
    (attribute names, e.g. ``owner_id``) into the Python values the ORM would give.
    ``wrapper``: the connection, when the caller holds it already (looking it up goes
    through a thread-local each time)."""
    wrapper = wrapper or connections[using]
    # Per database connection object (each thread has its own), kept on it: the converters
    # refer to it, and a cache elsewhere keyed by the connection kept it open for ever
    per_connection = wrapper.__dict__.get("daifuku_row_converters")
    if per_connection is None:
        per_connection = wrapper.__dict__["daifuku_row_converters"] = {}
    found = per_connection.get((model, names))
    if found is None:
        found = per_connection[(model, names)] = _build(model, names, wrapper)
    return found


def _build(model, names: tuple[str, ...], wrapper) -> Callable[[Sequence], list]:
    steps = []
    for index, name in enumerate(names):
        field = model._meta.get_field(name)
        column = field.get_col(model._meta.db_table)
        functions = wrapper.ops.get_db_converters(column) + field.get_db_converters(wrapper)
        if functions:
            steps.append((index, functions, column))

    def convert(row: Sequence) -> list:
        values = list(row)
        for index, functions, column in steps:
            value = values[index]
            for function in functions:
                value = function(value, column, wrapper)
            values[index] = value
        return values

    return convert
