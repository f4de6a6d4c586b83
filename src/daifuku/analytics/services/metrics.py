"""Writing the customer metrics snapshot (the only write path of ``CustomerMetrics``,
``RFMScale`` and of ranks held; rank history through :mod:`.ranks`).

Two paths, one computation (:func:`daifuku.analytics.maths.metrics.figures`):

* :func:`refresh_customer` — in the transaction of every order and return (commerce's
  in-transaction events ``order.recording`` / ``order.returning``): the customer's row
  and rank, so the 360° page, the list and marketing see the order at once;
* :func:`rebuild` — every customer, set-based (one grouped query per kind of customer,
  numpy, the changed rows written from a staging table): nightly (ranks decay, recency moves on) and ``daifuku
  analytics_rebuild``.

RFM and the incremental path: quintiles are relative to all buyers, so one order would
change everybody's scores. The rebuild therefore first sets each measure's four cut
points from the buyers (``RFMScale``, the quintile rule of ``maths.rfm``), then scores
everyone against them; an order in between is scored against the same cut points. So
a rebuild that keeps the cut points (``recalibrate=False``) gives exactly the
incremental figures, and a recalibrating rebuild gives exactly ``quintile_scores`` of
the buyers (both tested). Administrator thresholds (mode ``thresholds``) are never
recalibrated."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from daifuku.commerce.models import Order

from .. import grouped
from ..computation import (
    WRITTEN,
    active_rules,
    compute,
    load_orders,
    scale_of,
    scored,
    table,
)
from ..maths import metrics as maths
from ..maths import scales
from ..models import CustomerMetrics, RankChange, RFMScale
from . import ranks, snapshot

ENTITIES = ("person", "company")
BATCH = 5_000  # customers per set-based refresh of an import's customers


def calibrate(scale: RFMScale, fig: maths.Figures) -> None:
    """Set the quintile cut points from these buyers (mode ``quintiles`` only)."""
    if scale.mode != RFMScale.Mode.QUINTILES:
        return
    scale.recency_cuts = scales.cut_points(fig.recency_days, higher_is_better=False)
    scale.frequency_cuts = scales.cut_points(fig.order_count)
    scale.monetary_cuts = scales.cut_points(fig.total)
    scale.buyers = int(fig.customers.size)
    scale.calibrated_at = timezone.now()
    scale.save()


def scale_for(entity: str) -> RFMScale:
    scale, _created = RFMScale.objects.get_or_create(entity=entity)
    return scale


def values_rank(computed) -> list[int | None]:
    """The computed rank ids, None where no rank applies (0 in the array)."""
    return [None if pk == 0 else pk for pk in computed.rank.tolist()]


COPY_FROM = 200  # rows from which PostgreSQL gets them by COPY rather than one statement each


def _write(entity: str, values: list[tuple]) -> None:
    """Upsert snapshot rows ``(customer id, *computation.WRITTEN)``. The ORM's bulk_create
    spent most of a rebuild preparing values one by one. A few rows (an order's customer)
    are one prepared statement each; many rows on PostgreSQL are COPYed into a temporary
    table and upserted from it in one statement (no per-row round trip, no parameters to
    quote in Python)."""
    if not values:
        return
    table_name = CustomerMetrics._meta.db_table
    names = ", ".join([f"{entity}_id", *WRITTEN])
    updates = ", ".join(f"{name} = excluded.{name}" for name in WRITTEN)
    conflict = f"ON CONFLICT ({entity}_id) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(values) >= COPY_FROM:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS analytics_metrics_load_{entity} "
                f"ON COMMIT DROP AS SELECT {names} FROM {table_name} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE analytics_metrics_load_{entity}")
            with cursor.cursor.copy(
                f"COPY analytics_metrics_load_{entity} ({names}) FROM STDIN"
            ) as copy:
                for row in values:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table_name} ({names}) SELECT {names} FROM analytics_metrics_load_{entity} "
                f"{conflict}"
            )
        else:
            marks = ", ".join(["%s"] * (len(WRITTEN) + 1))
            cursor.executemany(
                f"INSERT INTO {table_name} ({names}) VALUES ({marks}) {conflict}", values
            )


def _customer_ids(order_id: int) -> list[tuple[str, int]]:
    found = Order.objects.filter(pk=order_id).values_list("person_id", "company_id").first()
    if found is None:
        return []
    return [(entity, pk) for entity, pk in zip(ENTITIES, found, strict=True) if pk]


def on_order(order_id: int, entity: str, entity_id: int, **_payload) -> None:
    """``order.recording`` / ``order.returning`` (in the order's transaction): the
    snapshot and rank of the order's customers (a person's order for a company counts
    for both)."""
    reason = RankChange.Reason.RETURN if "return_id" in _payload else RankChange.Reason.ORDER
    for kind, pk in _customer_ids(order_id) or [(entity, entity_id)]:
        refresh_customer(kind, pk, reason=reason)


def refresh_customer(
    entity: str, customer_id: int, *, reason: str, actor=None, as_of: dt.date | None = None
) -> int | None:
    """Recompute one customer's row and rank now (inside the caller's transaction);
    returns the rank rule the customer holds (None: none)."""
    as_of = as_of or timezone.localdate()
    with transaction.atomic():
        # locked: two orders of one customer at once must not both see the old rank
        current = (
            CustomerMetrics.objects.select_for_update()
            .filter(**{f"{entity}_id": customer_id})
            .only("pk", "rank_id")
            .first()
        )
        purchases = load_orders(entity, customer_id=customer_id)
        rules = active_rules()
        computed = compute(entity, purchases, as_of=as_of, scale=scale_of(entity), rules=rules)
        values = table(computed, as_of=as_of, vendor=connection.vendor)
        before = current.rank_id if current else None
        after = None
        if not values:  # no order left (moved away by a merge)
            if current is not None:
                current.delete()
        else:
            _write(entity, values)
            after = values[0][-2]  # rank_id
        if before != after:
            ranks.record_changes(entity, [(customer_id, before, after)], reason=reason, actor=actor)
    return after


def refresh_customers(
    entity: str, customer_ids: list[int], *, reason: str, as_of: dt.date | None = None
) -> None:
    """:func:`refresh_customer` for many customers at once (inside the caller's
    transaction), set-based: one read of their orders, one computation, one upsert and
    one history insert per :data:`BATCH` customers — an order import's batch, where one
    call per customer cost most of the import (docs/imports.md, "Orders"). The same
    computation and cut points as one by one, so the same rows and ranks (tested)."""
    ids = sorted({int(pk) for pk in customer_ids if pk})
    if not ids:
        return
    as_of = as_of or timezone.localdate()
    rules = active_rules()
    scale = scale_of(entity)
    column = f"{entity}_id"
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            # locked like one by one: an order of one of them at once waits for this batch
            before = dict(
                CustomerMetrics.objects.select_for_update()
                .filter(**{f"{column}__in": chunk})
                .values_list(column, "rank_id")
            )
            purchases = load_orders(entity, customer_ids=chunk)
            computed = compute(entity, purchases, as_of=as_of, scale=scale, rules=rules)
            _write(entity, table(computed, as_of=as_of, vendor=connection.vendor))
            kept = set(computed.ids.tolist())
            gone = [pk for pk in before if pk not in kept]  # no order left
            if gone:
                CustomerMetrics.objects.filter(**{f"{column}__in": gone}).delete()
            changes = [
                (pk, before.get(pk), rank)
                for pk, rank in zip(computed.ids.tolist(), values_rank(computed), strict=True)
                if before.get(pk) != rank
            ]
            changes += [(pk, before[pk], None) for pk in gone if before[pk] is not None]
            ranks.record_changes(entity, changes, reason=reason)


def on_orders(customers: list[tuple[str, int]], **_payload) -> None:
    """``orders.recording`` (an import's batch, in its transaction): every customer of
    the batch at once."""
    for entity in ENTITIES:
        ids = [pk for kind, pk in customers if kind == entity]
        if ids:
            refresh_customers(entity, ids, reason=RankChange.Reason.ORDER)


def rebuild(
    *,
    as_of: dt.date | None = None,
    recalibrate: bool = True,
    reason: str = RankChange.Reason.REBUILD,
    progress=None,
) -> dict:
    """Recompute every customer's row, the RFM cut points (``recalibrate``) and ranks,
    set-based: the database sums each customer's orders (:mod:`..grouped`), numpy
    computes, and the new rows are staged in a temporary table from which one statement
    each updates the rows that changed, inserts the new customers and removes those
    without orders any more (CLV columns kept). Returns counts per kind of customer."""
    as_of = as_of or timezone.localdate()
    rules = active_rules()
    result: dict = {}
    for entity in ENTITIES:
        with transaction.atomic():
            ids, fig, windows = grouped.read(entity, as_of=as_of, rules=rules)
            scale = scale_for(entity)
            if recalibrate:
                calibrate(scale, fig)
            computed = scored(ids, fig, windows, scale=scale, rules=rules)
            values = table(computed, as_of=as_of, vendor=connection.vendor)
            written = snapshot.replace_all(entity, values)
            if progress:
                progress(entity, len(values), len(values))
            ranks.record_changes(entity, written.rank_changes, reason=reason)
            result[entity] = {
                "customers": len(values),
                "buyers": int(computed.figures.customers.size),
                "written": written.updated + written.inserted,
                "removed": written.removed,
                "rank_changes": len(written.rank_changes),
            }
    return result


def on_merge(entity: str, survivor_id: int, loser_id: int, **_payload) -> None:
    """``customer.merged`` / ``customer.unmerged`` (after commit): the orders moved, so
    both customers' figures are computed again."""
    with transaction.atomic():
        for pk in (survivor_id, loser_id):
            refresh_customer(entity, pk, reason=RankChange.Reason.ORDER)
