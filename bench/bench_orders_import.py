"""Order history import from a CP932 CSV (issue 19): ``daifuku import FILE --target orders``.

Ours: the real import (``imports.orders``: reader, grouping by order number, customers
found by e-mail in the ledger, lines cleaned by commerce's own function, each batch of 2,000
orders written at once by ``commerce.record_imported_orders``, analytics' snapshot and
running totals refreshed once per batch) on a file of one row per
order line — 2,000 / 100,000 / 1,000,000 lines at the tiny / small / full scale, about 2.5
lines per order, every order naming a customer of the benchmark ledger
(``people_for(scale)`` people) by e-mail, half the lines a catalog product by code. The
orders it records are removed afterwards (the import's undo), so the database keeps its size.
Baseline, same run: the first 2,000 lines of the same file recorded one order at a time
through ``record_order`` (what the API does per order), rolled back.
Goal: 1,000,000 lines in ≤ 120 s (≥ 8,334 lines/s).
``DAIFUKU_BENCH_ORDERS_TOTALS=1`` builds the analytics area's running totals first (as a live
site has them after its first nightly rebuild), so the import keeps them too
(``figure_totals_kept`` in the result).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import resource
import time
import uuid
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from bench import ledger
from bench.common import ROOT, Result

DATA = ROOT / "bench" / "data"
LINES = {"tiny": 2_000, "small": 100_000, "full": 1_000_000}
GOAL_LINES, GOAL_SECONDS = 1_000_000, 120
BASELINE_LINES = 2_000
HEADERS = ["注文番号", "メールアドレス", "注文日", "商品コード", "商品名", "数量", "単価", "税率"]
SEED = 19


def _products(count: int = 50) -> list[str]:
    from daifuku.commerce.models import Product

    codes = [f"BENCH-{n:03d}" for n in range(count)]
    have = set(Product.objects.filter(code__in=codes).values_list("code", flat=True))
    Product.objects.bulk_create(
        Product(
            code=code,
            name=f"ベンチ商品 {code}",
            unit_price=1_000 + 10 * n,
            tax_category="reduced" if n % 5 == 0 else "standard",
        )
        for n, code in enumerate(codes)
        if code not in have
    )
    return codes


def make_file(lines: int, emails: list[str], codes: list[str]) -> Path:
    """A CP932 CSV as an EC cart exports it: one row per line, CRLF, generated once per size."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"orders-{lines}.csv"
    if path.exists():
        return path
    rng = random.Random(SEED)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="cp932", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADERS)
        written, number = 0, 0
        while written < lines:
            number += 1
            email = rng.choice(emails)
            day = f"2025{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            for _ in range(min(rng.choice((1, 2, 2, 3, 4)), lines - written)):
                if rng.random() < 0.5:
                    row = [rng.choice(codes), "", rng.randint(1, 3), "", ""]
                else:
                    rate = rng.choice((10, 10, 8))
                    row = [
                        "",
                        f"贈答品 {rng.randint(1, 400)}",
                        rng.randint(1, 5),
                        rng.randrange(300, 20_000, 10),
                        rate,
                    ]
                writer.writerow([f"EC-{number:08d}", email, day, *row])
                written += 1
    partial.rename(path)
    return path


def _ours(path: Path, user) -> dict:
    from daifuku.imports import orders, services

    run = services.upload(
        actor=user,
        file=SimpleUploadedFile(path.name, path.read_bytes()),
        name=path.name,
        target="order",
    )
    run = services.configure(actor=user, run=run, data={"source": f"bench-{uuid.uuid4().hex[:8]}"})
    from daifuku.imports.models import ImportRun

    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED)
    started = time.perf_counter()
    run = services.perform_import(run.pk)
    seconds = time.perf_counter() - started
    facts = {
        "lines": run.total_rows,
        "orders": run.created_count,
        "failed_rows": run.failed_count,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    orders.undo(run, user)  # the database keeps its size
    run.file.delete(save=False)
    return facts


def _baseline(path: Path, user) -> dict:
    """The first BASELINE_LINES lines, one ``record_order`` per order, rolled back."""
    from daifuku.commerce.services import record_order
    from daifuku.customers import selectors

    with path.open(encoding="cp932", newline="") as handle:
        rows = list(csv.reader(handle))[1 : BASELINE_LINES + 1]
    grouped: dict[str, list[list[str]]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    started = time.perf_counter()
    with transaction.atomic():
        for number, lines in grouped.items():
            ids = selectors.ids_by_email(user, [lines[0][1]])
            person = selectors.people_queryset(user).get(pk=ids[lines[0][1].lower()][0])
            record_order(
                actor=user,
                number=number,
                source="bench-baseline",
                person=person,
                ordered_at=dt.date(
                    int(lines[0][2][:4]), int(lines[0][2][4:6]), int(lines[0][2][6:])
                ),
                lines=[
                    {"sku": r[3]} | {"quantity": int(r[5])}
                    if r[3]
                    else {
                        "name": r[4],
                        "quantity": int(r[5]),
                        "unit_price": int(r[6]),
                        "tax_rate": int(r[7]),
                    }
                    for r in lines
                ],
            )
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {"lines": len(rows), "seconds": round(seconds, 2)}


def run(scale: str) -> list[Result]:
    from daifuku.customers.models import EmailAddress

    facts = ledger.ensure_people(scale)
    user = facts["user"]
    emails = list(
        EmailAddress.objects.filter(person__isnull=False, person__deleted_at__isnull=True)
        .order_by("id")
        .values_list("address", flat=True)[:50_000]
    )
    codes = _products()
    path = make_file(LINES[scale], emails, codes)
    from daifuku.analytics.services import figure_totals

    if os.environ.get("DAIFUKU_BENCH_ORDERS_TOTALS") == "1" and not figure_totals.is_built():
        figure_totals.rebuild()  # a live site keeps them (nightly rebuild); not timed
    totals_kept = figure_totals.is_built()
    ours = _ours(path, user)
    base = _baseline(path, user)
    rate = ours["lines"] / max(ours["seconds"], 1e-6)
    base_rate = base["lines"] / max(base["seconds"], 1e-6)
    return [
        Result(
            benchmark="orders_import",
            scale=scale,
            metrics={
                **ours,
                "ledger_people": facts["people"],
                # the analytics area's running totals kept by the import (docs/analytics.md)
                "figure_totals_kept": totals_kept,
                "lines_per_s": round(rate),
                "million_lines_projected_s": round(GOAL_LINES / rate, 1),
            },
            baseline={"record_order_per_order_lines_per_s": round(base_rate), **base},
            ratio=round(rate / base_rate, 1),
            goal=f"{GOAL_LINES:,} order lines from CP932 ≤ {GOAL_SECONDS} s",
            passed=(GOAL_LINES / rate) <= GOAL_SECONDS if scale == "full" else None,
            notes="one row per line, customers by e-mail; orders removed afterwards (undo)",
        )
    ]
