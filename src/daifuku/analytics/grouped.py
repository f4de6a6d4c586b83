"""The full rebuild's read: every customer's purchases summed up by the database, one
row per customer instead of one per order.

At ten million orders, bringing every order into Python (a tuple per order, then numpy)
took most of the rebuild. The database groups them instead (``GROUP BY`` the customer
over the customer index, no sort) and hands over, per customer: purchases, total, first
and last purchase, the purchases and their sum in each rank window, and the second
purchase (for repeat buyers: the next entry of the same index). These are exactly the
sums :func:`daifuku.analytics.maths.metrics.figures` forms from the raw orders, and the
figures are computed from them by the same function (``maths.metrics.from_groups``), so
the rebuild equals the incremental path (tested on both databases).

Definitions kept: a purchase is a yen order (docs/analytics.md, "Currencies") whose
total after returns is above zero; every customer with a yen order gets a row; moments
are whole epoch seconds (truncated), a window counts the purchases from the start of its
first local day."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import connection

from daifuku.commerce.maths.currency import HOME
from daifuku.commerce.models import Order

from . import computation
from .maths import metrics as maths

FETCH_ROWS = 100_000


def _epoch(expression: str) -> str:
    if connection.vendor == "postgresql":
        return f"FLOOR(EXTRACT(EPOCH FROM {expression}))::bigint"
    return f"CAST(strftime('%%s', {expression}) AS INTEGER)"  # %% : the query has parameters


def _window_start(day: int) -> object:
    """The first moment of local day ``day`` as the backend compares stored moments
    (SQLite: naive UTC text, so raw SQL must be given the same text)."""
    start = dt.datetime.fromtimestamp(day * 86_400 - computation.utc_offset(), tz=dt.UTC)
    return connection.ops.adapt_datetimefield_value(start)


def read(entity: str, *, as_of: dt.date, rules) -> tuple[np.ndarray, maths.Figures, dict]:
    """(every customer id ascending, figures of the buyers, purchases per rank window
    aligned with the ids) for people or companies."""
    table = Order._meta.db_table
    column = f"o.{entity}_id"
    bought = "o.net_total > 0"
    months = sorted(computation.periods(rules) - {0})
    params: list = []
    windows = []
    for period in months:
        start = _window_start(computation.since_day(as_of, period))
        windows.append(
            f"SUM(CASE WHEN {bought} AND o.ordered_at >= %s THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {bought} AND o.ordered_at >= %s THEN o.net_total ELSE 0 END)"
        )
        params += [start, start]
    # the second purchase of a repeat buyer: the next entry of the customer index
    second = (
        f"CASE WHEN SUM(CASE WHEN {bought} THEN 1 ELSE 0 END) > 1 THEN ("
        f"SELECT {_epoch('s.ordered_at')} FROM {table} s WHERE s.{entity}_id = {column} "
        f"AND s.net_total > 0 AND s.currency = %s ORDER BY s.ordered_at LIMIT 1 OFFSET 1) END"
    )
    sql = (
        f"SELECT {column}, "
        f"SUM(CASE WHEN {bought} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {bought} THEN o.net_total ELSE 0 END), "
        f"{_epoch(f'MIN(CASE WHEN {bought} THEN o.ordered_at END)')}, "
        f"{_epoch(f'MAX(CASE WHEN {bought} THEN o.ordered_at END)')}, "
        f"{second}"
        + "".join(f", {w}" for w in windows)
        + f" FROM {table} o WHERE {column} IS NOT NULL AND o.currency = %s GROUP BY {column}"
    )
    # placeholders in text order: second's currency, the windows' starts, the WHERE's currency
    ordered = [HOME, *params, HOME]
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql, ordered)
        while chunk := cursor.fetchmany(FETCH_ROWS):
            # float64 holds every figure exactly (yen sums and epoch seconds < 2**53);
            # NULL (a customer without a purchase) becomes NaN
            parts.append(np.array(chunk, dtype=np.float64))
    width = 6 + 2 * len(months)
    data = np.concatenate(parts) if parts else np.zeros((0, width))
    data = data[np.argsort(data[:, 0], kind="stable")] if data.size else data
    values = np.where(np.isnan(data), -1, data).astype(np.int64)
    ids, counts, totals, first, last, second_at = (values[:, k] for k in range(6))
    buyers = counts > 0
    figures = maths.from_groups(
        ids[buyers],
        counts[buyers],
        totals[buyers],
        first[buyers],
        second_at[buyers],
        last[buyers],
        as_of_day=maths.day_number(as_of),
        utc_offset_seconds=computation.utc_offset(),
    )
    per_window = {0: (counts.copy(), totals.copy())}
    for k, period in enumerate(months):
        per_window[period] = (values[:, 6 + 2 * k].copy(), values[:, 7 + 2 * k].copy())
    return ids, figures, per_window
