"""Writing every customer's snapshot row at once (the full rebuild; one order's row is
an upsert in :mod:`.metrics`).

The new rows are staged in a temporary table — PostgreSQL by ``COPY``, SQLite by one
prepared ``INSERT`` run with ``executemany`` in the rebuild's transaction — and the
snapshot is brought to them by four set-based statements: the rank changes read (for
the rank history), the rows of customers without orders any more deleted, the rows
whose figures differ updated, the new customers inserted. A row whose figures are the
same is not written at all (a second rebuild on the same day writes nothing; its
``updated_at`` says when its figures last changed). ``predicted_clv`` / ``p_alive``
belong to the CLV job and are never touched."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from ..computation import WRITTEN
from ..models import CustomerMetrics

COMPARED = tuple(name for name in WRITTEN if name != "updated_at")


@dataclass
class Written:
    updated: int = 0
    inserted: int = 0
    removed: int = 0
    rank_changes: list[tuple[int, int | None, int | None]] = field(default_factory=list)


def _stage(cursor, entity: str, key: str, names: str, values: list[tuple]) -> str:
    stage = f"analytics_metrics_stage_{entity}"
    target = CustomerMetrics._meta.db_table
    if connection.vendor == "postgresql":
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "
            f"SELECT {names} FROM {target} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        cursor.execute(f"CREATE UNIQUE INDEX ON {stage} ({key})")
        cursor.execute(f"ANALYZE {stage}")
    else:
        # the key as the rowid: rows arrive in id order, so the table is appended to
        columns = ", ".join(WRITTEN)  # no declared type: values kept as given
        cursor.execute(f"DROP TABLE IF EXISTS temp.{stage}")
        cursor.execute(f"CREATE TEMP TABLE {stage} ({key} INTEGER PRIMARY KEY, {columns})")
        marks = ", ".join(["%s"] * (len(WRITTEN) + 1))
        cursor.executemany(f"INSERT INTO {stage} ({names}) VALUES ({marks})", values)
    return stage


def replace_all(entity: str, values: list[tuple]) -> Written:
    """Make the snapshot rows of every person (or company) equal ``values`` — tuples
    ``(customer id, *WRITTEN)``, ascending ids, every customer who has an order."""
    key = f"{entity}_id"
    target = CustomerMetrics._meta.db_table
    names = ", ".join([key, *WRITTEN])
    written = Written()
    postgres = connection.vendor == "postgresql"
    differs = "IS DISTINCT FROM" if postgres else "IS NOT"
    with connection.cursor() as cursor:
        stage = _stage(cursor, entity, key, names, values)
        cursor.execute(
            f"SELECT s.{key}, m.rank_id, s.rank_id FROM {stage} s "
            f"LEFT JOIN {target} m ON m.{key} = s.{key} "
            f"WHERE m.rank_id {differs} s.rank_id ORDER BY s.{key}"
        )
        changes = cursor.fetchall()
        cursor.execute(
            f"SELECT m.{key}, m.rank_id, NULL FROM {target} m WHERE m.{key} IS NOT NULL "
            f"AND m.rank_id IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {stage} s WHERE s.{key} = m.{key}) ORDER BY m.{key}"
        )
        changes += cursor.fetchall()
        written.rank_changes = [(int(pk), before, after) for pk, before, after in changes]
        cursor.execute(
            f"DELETE FROM {target} WHERE {key} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {stage} s WHERE s.{key} = {target}.{key})"
        )
        written.removed = cursor.rowcount
        assignments = ", ".join(f"{name} = s.{name}" for name in WRITTEN)
        if postgres:
            changed = (
                f"({', '.join(f'm.{n}' for n in COMPARED)}) IS DISTINCT FROM "
                f"({', '.join(f's.{n}' for n in COMPARED)})"
            )
            cursor.execute(
                f"UPDATE {target} m SET {assignments} FROM {stage} s "
                f"WHERE m.{key} = s.{key} AND {changed}"
            )
        else:
            changed = " OR ".join(f"{target}.{n} IS NOT s.{n}" for n in COMPARED)
            cursor.execute(
                f"UPDATE {target} SET {assignments} FROM {stage} s "
                f"WHERE {target}.{key} = s.{key} AND ({changed})"
            )
        written.updated = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {target} ({names}) SELECT {names} FROM {stage} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {target} m WHERE m.{key} = s.{key})"
        )
        written.inserted = cursor.rowcount
        if not postgres:
            cursor.execute(f"DROP TABLE temp.{stage}")
    return written
