"""Keeping the analytics area's running totals (``FigurePart`` / ``FigureTotal``, the only
write path; what the parts mean: :mod:`daifuku.analytics.maths.figure_parts`).

* :func:`refresh` — in the transaction of every order and return (commerce's
  ``order.recording`` / ``order.returning``), after a merge and when a customer goes to
  the trash or comes back: the customer's parts computed again from their own orders, and
  the difference added to the totals;
* :func:`rebuild` — every customer's parts from every order, the totals summed from them
  (nightly with the metrics, and ``daifuku analytics_rebuild``).

Both compute the parts with the same function, so the incremental totals equal a fresh
rebuild's (tested). The totals count the orders of the customers who are in the ledger
(not in the trash): what a manager sees. Until the first rebuild the totals are not
kept and the figures are computed from the orders."""

from __future__ import annotations

import numpy as np
from django.db import connection, transaction
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from daifuku.commerce.maths.currency import HOME
from daifuku.commerce.models import Order, OrderLine, Return
from daifuku.commerce.models.orders import OrderStatus
from daifuku.customers.models import Company, Person

from ..maths import figure_parts as maths
from ..models import FigurePart, FigureTotal
from ..selectors.orders import COUNTING, _raw_rows, local_days

BUILT = "built"
VALUES = maths.VALUES
COPY_FROM = 200
REFRESH_KEYS = 2_000  # customers per refresh of an import's batch (bounded IN lists)


def _in_ledger(prefix: str = "") -> Q:
    """Orders of customers who are in the ledger (what someone who sees every customer
    sees: the orders' read policy for managers)."""
    return Q(**{f"{prefix}person__in": Person.objects.values("pk")}) | Q(
        **{f"{prefix}company__in": Company.objects.values("pk")}
    )


def _of(keys: list[int] | None, prefix: str = "") -> Q:
    if keys is None:
        return Q()
    people = [k for k in keys if k > 0]
    companies = [-k for k in keys if k < 0]
    return Q(**{f"{prefix}person_id__in": people}) | Q(
        **{f"{prefix}company_id__in": companies, f"{prefix}person__isnull": True}
    )


def _when(qs: QuerySet, field: str) -> tuple[QuerySet, str]:
    if connection.vendor == "sqlite":  # the stored UTC text, parsed by numpy
        return qs.annotate(instant=Cast(field, CharField())), "instant"
    return qs, field


def _key(person, company) -> np.ndarray:
    person = np.nan_to_num(np.array(person, dtype=np.float64)).astype(np.int64)
    company = np.nan_to_num(np.array(company, dtype=np.float64)).astype(np.int64)
    return np.where(person > 0, person, -company)


def _ids(column) -> np.ndarray:
    return np.nan_to_num(np.array(column, dtype=np.float64)).astype(np.int64)


def compute(keys: list[int] | None = None) -> maths.Parts:
    """The parts of these customers (every customer when ``keys`` is None)."""
    # money: the orders in yen only; co-purchases count products whatever the currency
    orders = Order.objects.filter(_in_ledger(), _of(keys), currency=HOME).order_by(
        "ordered_at", "pk"
    )
    orders, when = _when(orders, "ordered_at")
    returns = Return.objects.filter(
        _in_ledger("order__"), _of(keys, "order__"), order__currency=HOME
    ).order_by()
    returns, returned = _when(returns, "returned_at")
    sold = _raw_rows(orders, "person_id", "company_id", when, "total", "channel_id")
    back = _raw_rows(
        returns, "order__person_id", "order__company_id", returned, "total", "order__channel_id"
    )
    rows = sold + back
    parts: list[maths.Parts] = []
    if rows:
        person, company, instants, amount, channel = zip(*rows, strict=True)
        sequence = np.r_[np.arange(len(sold)), np.full(len(back), len(sold))]
        parts += maths.sales_parts(
            _key(person, company), local_days(instants), amount, _ids(channel), sequence
        )
    counting = Order.objects.filter(
        _in_ledger(), _of(keys), status__in=COUNTING, currency=HOME
    ).order_by()
    counting, when = _when(counting, "ordered_at")
    kept = _raw_rows(counting, "person_id", "company_id", when, "net_total")
    if kept:
        person, company, instants, amount = zip(*kept, strict=True)
        parts += maths.whatif_parts(_key(person, company), local_days(instants), amount)
    lines = (
        OrderLine.objects.filter(_in_ledger("order__"), _of(keys, "order__"), product__isnull=False)
        .exclude(order__status__in=[OrderStatus.RETURNED, OrderStatus.CANCELLED])
        .order_by()
    )
    basket = _raw_rows(lines, "order__person_id", "order__company_id", "order_id", "product_id")
    if basket:
        person, company, order, product = zip(*basket, strict=True)
        parts += maths.basket_parts(_key(person, company), order, product)
    return maths.concat(parts)


def is_built() -> bool:
    return FigureTotal.objects.filter(kind=BUILT).exists()


def _insert_parts(parts: maths.Parts) -> None:
    rows = parts.rows()
    if not rows:
        return
    table = FigurePart._meta.db_table
    names = "customer, kind, a, b, n1, n2, v1, v2"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) >= COPY_FROM:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows
            )


def rebuild() -> dict:
    """Every customer's parts from every order and the totals summed from them."""
    parts = compute()
    parts_table, totals_table = FigurePart._meta.db_table, FigureTotal._meta.db_table
    sums = ", ".join(f"SUM({v})" for v in VALUES)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {parts_table}")
        cursor.execute(f"DELETE FROM {totals_table}")
        _insert_parts(parts)
        cursor.execute(
            f"INSERT INTO {totals_table} (kind, a, b, {', '.join(VALUES)}) "
            f"SELECT kind, a, b, {sums} FROM {parts_table} GROUP BY kind, a, b"
        )
        FigureTotal.objects.create(kind=BUILT, n1=1)
    return {"parts": parts.size, "totals": FigureTotal.objects.count() - 1}


def refresh(keys: list[int]) -> None:
    """These customers' parts again (inside the caller's transaction) and the difference
    added to the totals. Nothing to do before the first rebuild."""
    keys = sorted({int(k) for k in keys if k})
    if not keys or not is_built():
        return
    with transaction.atomic():
        old = list(
            FigurePart.objects.filter(customer__in=keys).values_list("kind", "a", "b", *VALUES)
        )
        new = compute(keys)
        FigurePart.objects.filter(customer__in=keys).delete()
        _insert_parts(new)
        delta: dict[tuple, list[int]] = {}
        for kind, a, b, *values in old:
            cell = delta.setdefault((kind, a, b), [0, 0, 0, 0])
            for i, v in enumerate(values):
                cell[i] -= v
        for _c, kind, a, b, *values in new.rows():
            cell = delta.setdefault((kind, a, b), [0, 0, 0, 0])
            for i, v in enumerate(values):
                cell[i] += v
        changed = [(*key, *v) for key, v in sorted(delta.items()) if any(v)]
        if not changed:
            return
        table = FigureTotal._meta.db_table
        adds = ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in VALUES)
        with connection.cursor() as cursor:  # sorted: two orders never lock in reverse
            cursor.executemany(
                f"INSERT INTO {table} (kind, a, b, {', '.join(VALUES)}) "
                f"VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (kind, a, b) DO UPDATE SET {adds}",
                changed,
            )


def _order_key(order_id: int) -> list[int]:
    found = Order.objects.filter(pk=order_id).values_list("person_id", "company_id").first()
    if found is None:
        return []
    person, company = found
    return [person if person else -(company or 0)]


def on_order(order_id: int, entity: str, entity_id: int, **_payload) -> None:
    """``order.recording`` / ``order.returning`` (in the order's transaction)."""
    refresh(_order_key(order_id))


def on_orders(customers: list[tuple[str, int]], **_payload) -> None:
    """``orders.recording`` (an import's batch, in its transaction): the parts of every
    customer of the batch computed again at once and the difference added to the totals
    — one :func:`refresh` per batch instead of one per order."""
    if not is_built():
        return
    people = [pk for kind, pk in customers if kind == "person"]
    companies = [pk for kind, pk in customers if kind == "company"]
    keys = people + (_keys_of("company", companies) if companies else [])
    for start in range(0, len(keys), REFRESH_KEYS):
        refresh(keys[start : start + REFRESH_KEYS])


def on_customer(entity: str, entity_id: int, **_payload) -> None:
    """``customer.deleted`` / ``customer.restored``: a customer in the trash counts nowhere."""
    refresh(_keys_of(entity, [entity_id]))


def on_merge(entity: str, survivor_id: int, loser_id: int, **_payload) -> None:
    """``customer.merged`` / ``customer.unmerged`` (after commit): the orders moved."""
    with transaction.atomic():
        refresh(_keys_of(entity, [survivor_id, loser_id]))


def _keys_of(entity: str, ids: list[int]) -> list[int]:
    """The customer keys whose parts depend on these people or companies: a company's
    orders placed by a person count under the person."""
    if entity == "person":
        return list(ids)
    people = Order.objects.filter(company_id__in=ids, person__isnull=False).values_list(
        "person_id", flat=True
    )
    return [-pk for pk in ids] + list(set(people))
