"""Orders from an import: a batch recorded at once, and taken back by the import's undo."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core import audit, db, events
from daifuku.core.errors import ValidationFailed
from daifuku.customers.models import Company, Person

from ..maths import tax as tax_maths
from ..models import Channel, Order, OrderLine, OrderStatus
from .common import yen
from .orders import (
    IMPORT_RATES,
    _aware,
    _breakdown,
    _channel,
    _lines_with_tax,
    _rate,
    checked_currency,
    record_order,
)


@transaction.atomic
def remove_imported_orders(
    *, actor, order_ids: Iterable[int], source: str, note: str = ""
) -> tuple[int, int]:
    """Delete the orders an import recorded, lines included — except those that have
    become more than the import made: an order with a return recorded since is kept (the
    return is someone's work, and the history is never rewritten). Only orders of the
    import's ``source`` are touched. ``(removed, kept)``.
    One audit entry for the whole undo."""
    ids = sorted(set(order_ids))
    removed = kept = 0
    for start in range(0, len(ids), 500):
        chunk = Order.objects.filter(source=source, pk__in=ids[start : start + 500])
        with_returns = set(chunk.filter(returns__isnull=False).values_list("pk", flat=True))
        kept += len(with_returns)
        removed += chunk.exclude(pk__in=with_returns).delete()[1].get("commerce.Order", 0)
    if removed:
        audit.record(
            actor=actor,
            action="delete",
            object_type="commerce.order",
            object_repr=note[:200] or "import",
            changes={"orders": [removed, None]},
            note=note,
        )
    return removed, kept


@dataclass
class Outcome:
    """What became of one order of a batch: its id when recorded, else the refusal."""

    order_id: int | None = None
    created: bool = False
    error: ValidationFailed | None = None


@dataclass
class _NewOrder:
    """An order of a batch as it will be written (a model instance per order cost more
    than the rest of its cleaning)."""

    source: str
    number: str
    person_id: int | None
    company_id: int | None
    ordered_at: Any
    channel_id: int | None
    store: str
    currency: str
    subtotal: int
    tax: int
    total: int
    tax_breakdown: list
    item_count: int
    created_by_id: int | None
    pk: int | None = None


@transaction.atomic
def record_imported_orders(
    *,
    actor,
    source: str,
    orders: list[dict[str, Any]],
    note: str = "",
    touched: dict[tuple[str, int], None] | None = None,
) -> list[Outcome]:
    """Record a batch of an order import at once — the same rules as :func:`record_order`
    (lines cleaned by the same function, tax once per rate rounded down, tax rates 10, 8
    or 0, idempotent by number within ``source``), written in bulk: one insert of the
    orders and one of their lines, and **one audit entry for the batch** instead of one
    per order (what makes a million-line import affordable). ``order.recording`` is
    replaced by ``orders.recording``, gathered in the transaction once for the batch with its
    customers, and ``order.recorded`` is emitted for each new order after commit by a
    background job the batch queues (``commerce.jobs.announce_imported_orders``).

    ``touched``: the batch's customers are added to it instead, and the caller calls
    :func:`refresh_imported_customers` with them after its last batch — an import of many
    batches, where a customer in every batch would otherwise be recomputed from all their
    orders once per batch (the work growing with the square of the file).

    Each order: ``number``, ``person`` or ``company`` — or ``person_id`` / ``company_id``
    — (found by the caller through the ledger's selectors for ``actor``, so visible to
    them), ``ordered_at``, optional
    ``channel`` and ``store``, and ``lines`` or ``total`` (+ ``tax_rate``). A refused order
    gets its :class:`ValidationFailed`; the others are recorded."""
    source = str(source or "api").strip()[:40] or "api"
    outcomes = [Outcome() for _ in orders]
    taken: dict[str, int | None] = dict(
        Order.objects.filter(
            source=source, number__in=[str(o["number"]).strip() for o in orders]
        ).values_list("number", "pk")
    )
    channels: dict[Any, Channel | None] = {}
    rows: list[tuple[int, _NewOrder, list[dict[str, Any]]]] = []
    creator = actor if getattr(actor, "pk", None) else None
    for index, raw in enumerate(orders):
        number = str(raw.get("number") or "").strip()
        if number in taken:  # recorded before: nothing changes
            outcomes[index].order_id = taken[number]
            continue
        try:
            order, lines = _prepared(raw, number, source, channels, creator)
        except ValidationFailed as exc:
            outcomes[index].error = exc
            continue
        taken[number] = None
        rows.append((index, order, lines))
    if not rows:
        return outcomes
    first = db.next_ids(Order._meta.db_table, len(rows))  # PostgreSQL: other writers wait
    # PostgreSQL: a sender may have recorded one of these numbers between the check above
    # and the table lock; then order by order. (SQLite's IMMEDIATE transaction held the
    # write lock from the start.)
    if (
        db.vendor() == "postgresql"
        and Order.objects.filter(
            source=source, number__in=[o.number for _i, o, _l in rows]
        ).exists()
    ):
        return _one_by_one(actor, source, orders, outcomes)
    _insert(rows, first)
    customers: dict[tuple[str, int], None] = {}  # in the batch's order, each once
    for offset, (index, order, _l) in enumerate(rows):
        order.pk = first + offset
        outcomes[index].order_id, outcomes[index].created = order.pk, True
        if order.person_id:
            customers[("person", order.person_id)] = None
        if order.company_id:
            customers[("company", order.company_id)] = None
    # what depends on a customer's orders (analytics' figures and rank) is updated in this
    # transaction like for any order — once for the whole batch, set-based: a participant
    # recomputes the batch's customers from all their orders at once
    if touched is None:
        events.gather("orders.recording", customers=list(customers))
    else:  # the caller refreshes them once after its last batch (refresh_imported_customers)
        touched.update(customers)
    # order.recorded reaches its listeners for every new order, from a background job
    # after commit (deferred per-order events): two queued tasks per order (marketing's)
    # written by the import itself cost more than the rest of it
    _announce_later(first, first + len(rows) - 1, source)
    audit.record(
        actor=actor,
        action="import",
        object_type="commerce.order",
        object_repr=f"{source}: {rows[0][1].number} … {rows[-1][1].number}"[:200],
        changes={"orders": [None, len(rows)], "source": [None, source]},
        note=note,
    )
    return outcomes


ORDER_COLUMNS = (
    "id", "source", "number", "person_id", "company_id", "ordered_at", "channel_id", "store",
    "currency", "status", "subtotal", "tax", "total", "tax_breakdown", "net_subtotal", "net_tax",
    "net_total", "item_count", "created_by_id", "created_at", "updated_at",
)  # fmt: skip
LINE_COLUMNS = (
    "order_id",
    "position",
    "product_id",
    "name",
    "quantity",
    "unit_price",
    "tax_rate",
    "amount",
)


def _breakdown_json(rows: list[dict[str, int]]) -> str:
    """``json.dumps`` of a tax breakdown (integers only), written out directly: a million
    orders' worth of the general encoder cost seconds."""
    return (
        "["
        + ", ".join(
            f'{{"rate": {int(r["rate"])}, "taxable": {int(r["taxable"])}, "tax": {int(r["tax"])}}}'
            for r in rows
        )
        + "]"
    )


def _insert(rows: list[tuple[int, _NewOrder, list[dict[str, Any]]]], first: int) -> None:
    """The orders with the reserved ids and their lines, as plain rows (COPY on
    PostgreSQL): building a model instance per line and letting the ORM render the
    INSERT cost more than half of a large import."""
    ops = connection.ops
    moment = ops.adapt_datetimefield_value(timezone.now())
    orders, lines = [], []
    for offset, (_index, order, order_lines) in enumerate(rows):
        pk = first + offset
        orders.append(
            (
                pk, order.source, order.number, order.person_id, order.company_id,
                ops.adapt_datetimefield_value(order.ordered_at), order.channel_id, order.store,
                order.currency, OrderStatus.ORDERED, order.subtotal, order.tax, order.total,
                _breakdown_json(order.tax_breakdown), order.subtotal, order.tax,
                order.total, order.item_count, order.created_by_id, moment, moment,
            )
        )  # fmt: skip
        for position, line in enumerate(order_lines):
            product = line["product"]
            lines.append(
                (
                    pk, (position + 1) * 10, product.pk if product is not None else None,
                    line["name"], line["quantity"], line["unit_price"], line["tax_rate"],
                    line["amount"],
                )
            )  # fmt: skip
    db.bulk_insert(Order._meta.db_table, ORDER_COLUMNS, orders)
    db.bulk_insert(OrderLine._meta.db_table, LINE_COLUMNS, lines)


REFRESH_CUSTOMERS = 5_000  # customers per transaction of refresh_imported_customers


def refresh_imported_customers(customers: Iterable[tuple[str, int]]) -> int:
    """``orders.recording`` for the customers an import's batches recorded orders for
    (``touched`` of :func:`record_imported_orders`), a transaction per
    :data:`REFRESH_CUSTOMERS`: what depends on their orders (analytics' figures, ranks,
    running totals) computed once from all of them. Returns the number of customers."""
    pending = list(dict.fromkeys(customers))
    for start in range(0, len(pending), REFRESH_CUSTOMERS):
        with transaction.atomic():
            events.gather("orders.recording", customers=pending[start : start + REFRESH_CUSTOMERS])
    return len(pending)


def _announce_later(first_id: int, last_id: int, source: str) -> None:
    from ..jobs import announce_imported_orders_task

    transaction.on_commit(lambda: announce_imported_orders_task.enqueue(first_id, last_id, source))


def _prepared(raw: dict[str, Any], number: str, source: str, channels, creator):
    """The unsaved order and its cleaned lines (or :class:`ValidationFailed`)."""
    if not number:
        raise ValidationFailed({"number": [_("Enter the order number.")]})
    if len(number) > 60:
        raise ValidationFailed({"number": [_("At most %(limit)d characters.") % {"limit": 60}]})
    person_id = raw["person"].pk if raw.get("person") is not None else raw.get("person_id")
    company_id = raw["company"].pk if raw.get("company") is not None else raw.get("company_id")
    if person_id is None and company_id is None:
        raise ValidationFailed(
            {"customer": [_("Say whose order this is (a person or a company).")]},
            code="customer_required",
        )
    key = raw.get("channel") or None
    if key not in channels:
        channels[key] = _channel(key)
    lines: list[dict[str, Any]] = []
    if raw.get("lines") is not None:
        lines, summary = _lines_with_tax(raw["lines"], IMPORT_RATES)
    else:
        errors: dict[str, list[str]] = {}
        amount = yen(raw.get("total"), "total", errors, required=True)
        rate = _rate(raw.get("tax_rate", 10), "tax_rate", errors, IMPORT_RATES)
        if errors:
            raise ValidationFailed(errors)
        assert amount is not None and rate is not None
        summary = tax_maths.from_inclusive(amount, rate)
    channel = channels[key]
    order = _NewOrder(
        source=source,
        number=number,
        person_id=person_id,
        company_id=company_id,
        ordered_at=_aware(raw.get("ordered_at"), "ordered_at"),
        channel_id=channel.pk if channel is not None else None,
        store=str(raw.get("store") or "").strip()[:100],
        currency=checked_currency(raw.get("currency"), source),
        subtotal=summary.subtotal,
        tax=summary.tax,
        total=summary.total,
        tax_breakdown=_breakdown(summary),
        item_count=sum(line["quantity"] for line in lines),
        created_by_id=creator.pk if creator is not None else None,
    )
    return order, lines


def _one_by_one(actor, source: str, orders: list[dict[str, Any]], outcomes: list[Outcome]):
    """The batch again through :func:`record_order`, order by order (another sender took
    one of its numbers meanwhile: that one comes back as recorded already)."""
    for index, raw in enumerate(orders):
        if outcomes[index].error is not None or outcomes[index].order_id is not None:
            continue
        raw = dict(raw)
        if raw.get("person_id") is not None:
            raw["person"] = Person.objects.get(pk=raw.pop("person_id"))
        if raw.get("company_id") is not None:
            raw["company"] = Company.objects.get(pk=raw.pop("company_id"))
        raw.pop("person_id", None), raw.pop("company_id", None)
        try:
            with transaction.atomic():
                order, created = record_order(actor=actor, source=source, rates=IMPORT_RATES, **raw)
        except ValidationFailed as exc:
            outcomes[index].error = exc
            continue
        outcomes[index].order_id, outcomes[index].created = order.pk, created
    return outcomes
