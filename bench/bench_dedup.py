"""Duplicate scan (名寄せ) over ``people_for(scale)`` people with 2 % planted near-duplicates
(issue 3): the same customer written with hiragana/half-width kana, 髙/高, full-width or
hyphen-less phone numbers, capitalised emails, 丁目 as a hyphen.

Ours: ``customers.dedup.scan`` (blocking on normalised keys + scoring). Baseline, same run:
what a CRM without Japanese normalisation finds — exact equality of the raw name and
reading plus birthday (one ordered ORM query). Both are measured for recall and precision on the
planted pairs of this benchmark's own people, on a database of its own (at the small and
full scales). Goals: under 3 minutes for 1,000,000
people, recall ≥ 95 %, precision ≥ 95 %.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

from bench.common import ROOT, Result, people_for

SEED = 77
RATE = 0.02
DATA = ROOT / "bench" / "data"


def _seed(n: int) -> int:
    """The first person id of this benchmark's people, loaded once per database."""
    from django.db import connection

    from daifuku.customers.models import Person
    from daifuku.customers.seeding.loader import load

    DATA.mkdir(parents=True, exist_ok=True)
    marker = DATA / f"dedup-{n}-{connection.vendor}-{connection.settings_dict['NAME']}".replace(
        "/", "_"
    )
    marker = DATA / (marker.name[:200] + ".json")
    if marker.exists():
        first = json.loads(marker.read_text())["first_person_id"]
        if Person.objects.filter(pk__gte=first, pk__lt=first + n).count() == n:
            return first
    report = load(actor="bench", people=n, seed=SEED, duplicate_rate=RATE)
    marker.write_text(json.dumps({"first_person_id": report.first_person_id}))
    return report.first_person_id


def _truth(n: int, first: int) -> dict[int, int]:
    """person id → id of the original customer it is (itself for originals)."""
    from daifuku.customers.seeding import SeedGenerator

    roots: dict[int, int] = {}
    for index, seed in enumerate(SeedGenerator(SEED).people(n, duplicate_rate=RATE)):
        original = index if seed.duplicate_of is None else roots[first + seed.duplicate_of] - first
        roots[first + index] = first + original
    return roots


def _score(pairs, roots: dict[int, int]) -> tuple[float, float, int, int]:
    found = {(a, b) for a, b in pairs if a in roots and b in roots}
    planted = {(min(pk, root), max(pk, root)) for pk, root in roots.items() if pk != root}
    correct = {pair for pair in found if roots[pair[0]] == roots[pair[1]]}
    # recall over planted pairs: found directly or through the group they were put in
    parent: dict[int, int] = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in found:
        parent[find(a)] = find(b)
    hit = sum(1 for a, b in planted if find(a) == find(b))
    recall = hit / len(planted) if planted else 1.0
    precision = len(correct) / len(found) if found else 1.0
    return recall, precision, len(planted), len(found)


def _baseline_pairs(first: int, n: int) -> list[tuple[int, int]]:
    """Exact equality of the raw fields: one ORM query in key order, consecutive equal keys
    are the pairs (a per-key query would scan the table once per duplicate key)."""
    from daifuku.customers.models import Person

    keys = ("family_name", "given_name", "family_kana", "given_kana", "birthday")
    rows = (
        Person.objects.filter(pk__gte=first, pk__lt=first + n)
        .order_by(*keys, "pk")
        .values_list(*keys, "pk")
    )
    pairs = []
    previous, head = None, None
    for *key, pk in rows.iterator(chunk_size=10_000):
        if key == previous:
            pairs.append((head, pk))
        else:
            previous, head = key, pk
    return pairs


@contextlib.contextmanager
def dedicated_database(scale: str) -> Iterator[None]:
    """Run on a database of its own (``bench-<scale>-dedup.sqlite3`` or
    ``daifuku_bench_<scale>_dedup``): the scan covers every person in the database, so the
    shared ledger of the other benchmarks would be scanned too (two million people instead
    of one), and the planted duplicates would change the other benchmarks' data."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    previous = settings.DATABASES["default"]
    new = dict(previous)
    if previous["ENGINE"].endswith("sqlite3"):
        base = Path(str(previous["NAME"]))
        new["NAME"] = base.with_name(f"{base.stem}-dedup.sqlite3")
    else:
        import psycopg

        name = f"{previous['NAME']}_dedup"
        admin = {
            "host": previous.get("HOST") or None,
            "port": previous.get("PORT") or None,
            "user": previous.get("USER") or None,
            "password": previous.get("PASSWORD") or None,
            "dbname": "postgres",
        }
        with psycopg.connect(**{k: v for k, v in admin.items() if v}, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        new["NAME"] = name

    def switch(settings_dict: dict) -> None:
        connections["default"].close()
        settings.DATABASES["default"] = settings_dict
        connections.settings["default"] = settings_dict
        del connections["default"]

    switch(new)
    try:
        call_command("migrate", interactive=False, verbosity=0)
        yield
    finally:
        switch(previous)


def run(scale: str) -> list[Result]:
    if scale == "tiny":  # the test suite's own database
        return _run(scale)
    with dedicated_database(scale):
        return _run(scale)


def _run(scale: str) -> list[Result]:
    from daifuku.customers.dedup.scan import group_pairs, matching_pairs
    from daifuku.customers.dedup.services.candidates import store_groups

    n = people_for(scale)
    first = _seed(n)
    roots = _truth(n, first)
    started = time.perf_counter()
    compared, matched = matching_pairs("person")
    groups = group_pairs(matched)
    store_groups("person", groups)
    seconds = time.perf_counter() - started
    recall, precision, planted, found = _score(matched, roots)
    started = time.perf_counter()
    base_pairs = _baseline_pairs(first, n)
    base_seconds = time.perf_counter() - started
    base_recall, base_precision, _planted, base_found = _score(base_pairs, roots)
    passed = recall >= 0.95 and precision >= 0.95 and (scale != "full" or seconds < 180)
    return [
        Result(
            benchmark="dedup_scan",
            scale=scale,
            metrics={
                "people": n,
                "planted_pairs": planted,
                "pairs_compared": compared,
                "pairs_found": found,
                "groups": len(groups),
                "seconds": round(seconds, 2),
                "recall": round(recall, 4),
                "precision": round(precision, 4),
            },
            baseline={
                "method": "exact raw name+reading+birthday (no normalisation)",
                "seconds": round(base_seconds, 2),
                "pairs_found": base_found,
                "recall": round(base_recall, 4),
                "precision": round(base_precision, 4),
            },
            ratio={
                "recall_gain": round(recall / base_recall, 1) if base_recall else None,
                "time_ratio": round(seconds / base_seconds, 2) if base_seconds else None,
            },
            goal="1,000,000 people < 180 s with recall ≥ 95 % and precision ≥ 95 % on the planted pairs",
            passed=passed,
        )
    ]
