"""The purchase history the analytics benchmarks share: ten orders per person on average
over the last three years, on the people of the shared ledger (``ledger.ensure_people``),
generated once per scale and database and reused when already there (like the ledger).

Ten million orders are far too many for the ORM (``bulk_create`` built a model instance
per order: about an hour at 10M). The columns are drawn with numpy, in time order (an
order's id grows with its date, as in a live shop), and written in one stream:
PostgreSQL by ``COPY`` and SQLite by one prepared ``INSERT`` run with ``executemany`` in
one transaction. The customer indexes of the order table are set aside during the load
and built once at the end (``core.bulk_load.deferred``: a sorted build instead of ten
million scattered inserts). The numbers are zero-padded so the unique (source, number)
key grows in insertion order. Bench data only: written around the services."""

from __future__ import annotations

import time

import numpy as np
from django.db import connection, transaction

ORDERS_PER_PERSON = 10
BUYER_SHARE = 0.6
SOURCE = "bench"
YEARS = 3
CHUNK = 500_000
_last_seed: dict = {}

COLUMNS = (
    "source",
    "number",
    "person_id",
    "ordered_at",
    "store",
    "currency",
    "status",
    "subtotal",
    "tax",
    "total",
    "tax_breakdown",
    "net_subtotal",
    "net_tax",
    "net_total",
    "item_count",
    "created_at",
    "updated_at",
)


def ensure_orders(people: int, *, per_person: int = ORDERS_PER_PERSON) -> int:
    """Make sure ``people × per_person`` bench orders exist; returns how many there are.
    A seed that happens here is timed (``last_seed``)."""
    from daifuku.commerce.models import Order

    target = people * per_person
    have = Order.objects.filter(source=SOURCE).count()
    if have >= target:
        return have
    started = time.perf_counter()
    _seed(people, have, target)
    _last_seed.update(
        orders=target - have,
        seconds=round(time.perf_counter() - started, 1),
        database=connection.vendor,
    )
    return target


def last_seed() -> dict:
    return dict(_last_seed)


def _draw(people: int, have: int, target: int):
    from django.utils import timezone

    from daifuku.customers.models import Person

    rng = np.random.default_rng(19 + have)
    ids = np.fromiter(
        Person.objects.order_by("pk").values_list("pk", flat=True)[:people], dtype=np.int64
    )
    buyers = rng.choice(ids, int(ids.size * BUYER_SHARE), replace=False)
    count = target - have
    customers = rng.choice(buyers, count)
    now = int(timezone.now().timestamp())
    ago = np.sort(rng.integers(0, YEARS * 365 * 86_400, count))[::-1]  # oldest first
    seconds = now - ago
    totals = rng.lognormal(8.5, 0.9, count).astype(np.int64) + 100
    return customers, seconds, totals, now


def _text_moments(seconds: np.ndarray, suffix: str) -> list[str]:
    text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    return np.char.add(np.char.replace(text, "T", " "), suffix).tolist()


def _seed(people: int, have: int, target: int) -> None:
    from daifuku.commerce.models import Order
    from daifuku.core import bulk_load

    customers, seconds, totals, now = _draw(people, have, target)
    vendor = connection.vendor
    suffix = "+00:00" if vendor == "postgresql" else ""
    stamp = _text_moments(np.array([now]), suffix)[0]
    pairs = [(Order, "order_person_idx"), (Order, "order_company_idx")]
    bulk_load.register(Order, [name for _model, name in pairs])
    table = Order._meta.db_table
    names = ", ".join(COLUMNS)
    with bulk_load.deferred(pairs):
        for start in range(0, customers.size, CHUNK):
            end = min(start + CHUNK, customers.size)
            total = totals[start:end]
            tax = total // 11
            sub = total - tax
            rows = zip(
                (f"B{n:09d}" for n in range(have + start, have + end)),
                customers[start:end].tolist(),
                _text_moments(seconds[start:end], suffix),
                sub.tolist(),
                tax.tolist(),
                total.tolist(),
                strict=True,
            )
            with transaction.atomic(), connection.cursor() as cursor:
                if vendor == "postgresql":
                    # the customers are the ledger's own ids: no foreign-key trigger per row
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    text = "".join(
                        f"{SOURCE}\t{number}\t{pk}\t{at}\t\tJPY\tordered\t{s}\t{t}\t{tot}\t[]"
                        f"\t{s}\t{t}\t{tot}\t1\t{stamp}\t{stamp}\n"
                        for number, pk, at, s, t, tot in rows
                    )
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        copy.write(text.encode())
                else:
                    marks = ", ".join(["%s"] * len(COLUMNS))
                    cursor.executemany(
                        f"INSERT INTO {table} ({names}) VALUES ({marks})",
                        [
                            (
                                SOURCE,
                                number,
                                pk,
                                at,
                                "",
                                "JPY",
                                "ordered",
                                s,
                                t,
                                tot,
                                "[]",
                                s,
                                t,
                                tot,
                                1,
                                stamp,
                                stamp,
                            )
                            for number, pk, at, s, t, tot in rows
                        ],
                    )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
