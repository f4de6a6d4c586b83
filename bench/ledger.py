"""The customer-ledger data the foundation's benchmarks share: generated once per scale and
database with the real loader (``customers.seeding.loader``), reused when already there."""

from __future__ import annotations

import json
import time

from django.db import connection

from . import common

BENCH_USER = "bench-rep"
SEED = 2026
_last_load: dict = {}


def companies_for(people: int) -> int:
    return max(1, people // 25)


def ensure_people(scale: str) -> dict:
    """Make sure the benchmark database holds ``people_for(scale)`` people (and their
    companies, households, contacts, search index); returns facts about the data.
    A load that happens here is timed and kept for bench_seed."""
    from daifuku.core.context import acting
    from daifuku.customers.models import Person
    from daifuku.customers.seeding.loader import load

    target = common.people_for(scale)
    have = Person.all_objects.count()
    user = bench_user()
    if have < target:
        missing = target - have
        started = time.perf_counter()
        with acting("command"):
            report = load(
                actor=user,
                people=missing,
                companies=companies_for(missing),
                seed=SEED + have,
                owners=[(user.pk, user.team_id)],
            )
        _last_load.update(
            scale=scale,
            database=connection.vendor,
            people=missing,
            empty_before=have == 0,
            seconds=round(time.perf_counter() - started, 3),
            timings=report.timings,
        )
        _store_load_record()
        _vacuum()
    else:
        _vacuum(only_bloated=True)
    return {"people": max(have, target), "user": user}


def _vacuum(*, only_bloated: bool = False) -> None:
    """PostgreSQL: a freshly loaded table has no visibility map yet, so index-only scans
    (the search's posting probes) visit the heap for every row until autovacuum has run;
    the benchmarks measure the steady state a live database is in, so vacuum now (not
    part of any timed figure). ``only_bloated``: just the tables autovacuum would vacuum
    by its default rule (dead rows over 20 % of the live ones) — another benchmark's
    rolled-back million-row import leaves a million dead rows behind, and this server
    runs with autovacuum off (planning alone then took 20 ms per search)."""
    if connection.vendor != "postgresql":
        return
    from daifuku.core import search

    tables = (
        search.GRAM_TABLE,
        search.DOC_TABLE,
        "customers_person",
        "customers_emailaddress",
        "customers_phonenumber",
    )
    with connection.cursor() as cursor:
        if only_bloated:
            cursor.execute(
                "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) "
                "AND n_dead_tup > 50 + 0.2 * n_live_tup",
                [list(tables)],
            )
            tables = tuple(row[0] for row in cursor.fetchall())
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def bench_user():
    """A rep in a team (the most restricted role that sees the whole ledger)."""
    from daifuku.accounts.models import Team, User
    from daifuku.accounts.services import create_team, create_user

    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        team = Team.objects.filter(name="ベンチ営業").first() or create_team(
            actor="bench", name="ベンチ営業"
        )
        user = create_user(actor="bench", username=BENCH_USER, password=None, role="rep", team=team)
    return user


def last_load() -> dict:
    return dict(_last_load)


def _store_load_record() -> None:
    path = (
        common.ROOT / "bench" / "data" / f"load-{_last_load['scale']}-{_last_load['database']}.json"
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_last_load, indent=2))
    except OSError:
        pass
