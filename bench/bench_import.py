"""Import of a CP932 CSV with normalisation and upsert by email (issue 3).

Ours: the real importer (``imports.pipeline.execute``: readers, cleaning in worker
processes, batched bulk upsert, search index) on ``people_for(scale)`` rows, in a forked
process so its peak memory (VmHWM) is its own. The benchmark database keeps its size: the
child imports into a copy of it, with real per-batch commits, as a live import runs (on
SQLite a rolled-back outer transaction would turn every batch into a savepoint whose undo
pages SQLite keeps in memory, and on PostgreSQL it would skip every commit and the
deferred foreign-key checks that run at each commit — work no real import is spared).
Baseline, same run: django-import-export doing the same import of the same rows (at most
10,000) through the ledger's services, rolled back; its import of bare ``Person`` rows is
reported beside it (``bench.import_baselines``, ADR 0005).
The ledger holds ``people_for(scale)`` customers before the import (seeded once, reused);
the same file is also imported into a new, empty ledger and reported beside (a first
migration: the goal names no ledger size, and is judged on the harder case). A file that
large against the ledger is imported as a bulk load (core.bulk_load, ADR 0006: the lists'
indexes and the new postings built after the last batch), as it would be for a user.
Goals: 1,000,000 rows under 120 s, peak RSS under 1.5 GB, ≥ 20× the baseline's rows/s.
"""

from __future__ import annotations

import contextlib
import csv
import multiprocessing
import os
import resource
import time
from pathlib import Path

from django.db import connections, transaction
from django.test import override_settings

from bench import import_baselines, ledger
from bench.common import ROOT, Result, people_for

DATA = ROOT / "bench" / "data"
SEED = 31
HEADERS = [
    "氏名",
    "フリガナ",
    "メールアドレス",
    "電話番号",
    "郵便番号",
    "都道府県",
    "市区町村",
    "番地",
    "建物名",
    "生年月日",
    "性別",
    "備考",
]


def make_file(rows: int) -> Path:
    """A CP932 CSV as Excel writes it (CRLF, quoted when needed), generated once."""
    from daifuku.customers.seeding import SeedGenerator

    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"import-{rows}.csv"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="cp932", errors="replace", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for p in SeedGenerator(SEED).people(rows):
            writer.writerow(
                [
                    f"{p.family_name} {p.given_name}",
                    f"{p.family_kana} {p.given_kana}",
                    p.email or "",
                    p.phone or "",
                    f"{p.postal_code[:3]}-{p.postal_code[3:]}",
                    p.prefecture,
                    p.city,
                    p.address_line,
                    p.building,
                    p.birthday.strftime("%Y/%m/%d") if p.birthday else "",
                    {"male": "男", "female": "女"}.get(p.gender, ""),
                    p.notes,
                ]
            )
    partial.rename(path)
    return path


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ours(path: Path, *, rollback: bool = True) -> dict:
    """Import the file as ``daifuku import`` does. ``rollback``: inside one transaction that
    is rolled back (each batch is then a savepoint); otherwise batches commit for real."""
    from daifuku.imports import mapping, pipeline, readers
    from daifuku.imports.models import ImportRun

    with (
        override_settings(MEDIA_ROOT=str(path.parent)),
        transaction.atomic() if rollback else _nothing(),
    ):
        headers, _preview = readers.read_preview(path, "csv", "cp932", limit=1)
        run = ImportRun.objects.create(
            original_name=path.name,
            file=path.name,
            file_format="csv",
            encoding="cp932",
            mapping=mapping.suggest(headers),
            mode="upsert",
            match_key="email",
        )
        total = readers.count_rows(path, "csv")
        started = time.perf_counter()
        run = pipeline.execute(run, actor="bench", total=total)
        seconds = time.perf_counter() - started
        result = {
            "rows": run.total_rows,
            "created": run.created_count,
            "updated": run.updated_count,
            "failed": run.failed_count,
            "seconds": round(seconds, 2),
        }
        if rollback:
            transaction.set_rollback(True)
    result["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    return result


@contextlib.contextmanager
def _nothing():
    yield


def _scratch_sqlite() -> Path:
    """A copy of the benchmark database (SQLite's online backup: consistent, WAL included)
    for the child to import into with real commits; the benchmark database keeps its size."""
    import sqlite3

    from django.conf import settings

    source = Path(settings.DATABASES["default"]["NAME"])
    scratch = source.with_name(source.stem + "-import-scratch.sqlite3")
    _remove_sqlite(scratch)
    with sqlite3.connect(source) as src, sqlite3.connect(scratch) as dst:
        src.backup(dst, pages=65536)
    return scratch


def _child(path: Path, conn, empty_ledger: bool) -> None:
    """Import ``path`` with real per-batch commits into a database of the child's own,
    dropped afterwards: a copy of the benchmark ledger, or a new, migrated, empty ledger."""
    database = None
    try:
        database = _empty_database() if empty_ledger else _ledger_copy()
        _switch_to(str(database))
        if empty_ledger:
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)
        conn.send(_ours(path, rollback=False))
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        conn.send({"error": repr(exc)})
    finally:
        conn.close()
        connections.close_all()
        if isinstance(database, Path):
            _remove_sqlite(database)
        elif database is not None:
            _drop_postgres(database)


def _ledger_copy() -> Path | str:
    # SQLite keeps a savepoint's undo pages in memory (temp_store=MEMORY): a rolled-back run
    # would measure a journal a real import never has. Import into a copy instead.
    return _scratch_sqlite() if connections["default"].vendor == "sqlite" else _scratch_postgres()


def _empty_database() -> Path | str:
    """A new, empty database (a business's first migration into Daifuku). SQLite: beside
    the generated files (the test database may live in memory)."""
    if connections["default"].vendor == "sqlite":
        name = DATA / f"import-empty-{os.getpid()}.sqlite3"
        _remove_sqlite(name)
        return name
    return _new_postgres("import_empty", copy_of_ledger=False)


def _remove_sqlite(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def _admin_postgres():
    """A connection to the server's maintenance database (a database cannot be copied or
    dropped from a connection to itself)."""
    import psycopg

    params = connections["default"].get_connection_params()
    params = {
        key: value for key, value in params.items() if key in ("host", "port", "user", "password")
    }
    return psycopg.connect(dbname="postgres", autocommit=True, **params)


def _scratch_postgres() -> str:
    """A copy of the PostgreSQL benchmark database (``CREATE DATABASE … TEMPLATE``, copied
    file by file) for the child to import into with real commits; dropped afterwards."""
    return _new_postgres("import_scratch", copy_of_ledger=True)


def _new_postgres(suffix: str, *, copy_of_ledger: bool) -> str:
    """A database named after the benchmark database, created anew (empty, or a copy)."""
    from django.conf import settings

    source = settings.DATABASES["default"]["NAME"]
    name = f"{source}_{suffix}"
    connections["default"].close()
    with _admin_postgres() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(
            f'CREATE DATABASE "{name}" TEMPLATE "{source}" STRATEGY FILE_COPY'
            if copy_of_ledger
            else f'CREATE DATABASE "{name}"'
        )
    return name


def _switch_to(name: str) -> None:
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    connections["default"].close()


def _drop_postgres(name: str) -> None:
    with _admin_postgres() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _warm_file_cache() -> None:
    """Read the benchmark database once, as a live system has its ledger in the
    operating system's cache. The million-row import just before writes gigabytes and
    pushes the ledger out of that cache; whichever importer ran first would then pay for
    reading it back from disk (measured: ours 491 rows/s right after the big import, 2,033
    rows/s on a warm cache), and the baseline, running second, would not."""
    from django.conf import settings

    if connections["default"].vendor == "postgresql":
        _warm_postgres()
        return
    name = Path(settings.DATABASES["default"]["NAME"])
    for file in (name, Path(f"{name}-wal")):
        if file.exists():
            with file.open("rb") as handle:
                while handle.read(16 * 1024 * 1024):
                    pass


def _warm_postgres() -> None:
    """The same for PostgreSQL: copying the ledger and importing a million rows into the
    copy pushed the ledger's own files out of the operating system's cache (ours then took
    332 rows/s on the 10,000 rows against 2,008 before, django-import-export, second,
    405). Reads every table and index of the ledger once with pg_prewarm when the server
    has it (PostgreSQL's contrib, part of Debian's server package)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_prewarm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        cursor.execute(
            "SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')"
        )


def ours_in_subprocess(path: Path, *, empty_ledger: bool = False) -> dict:
    """Our import of ``path`` in a forked process: into a copy of the benchmark ledger, or
    with ``empty_ledger`` into a new one."""
    connections.close_all()  # the child opens its own connection
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_child, args=(path, child, empty_ledger))
    process.start()
    result = parent.recv()
    process.join()
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def run(scale: str) -> list[Result]:
    rows = people_for(scale)
    # The harder, realistic case, and the same one on every run: the rows arrive in a
    # ledger that already holds as many customers (every posting list and index is big),
    # whatever benchmarks ran before.
    ledger_people = ledger.ensure_people(scale)["people"]
    path = make_file(rows)
    ours = _ours(path) if scale == "tiny" else ours_in_subprocess(path)
    # Beside it, the same file into an empty ledger (the goal names no ledger size;
    # it is judged on the harder case above, and this one is reported).
    empty = None if scale == "tiny" else ours_in_subprocess(path, empty_ledger=True)
    ours_rate = ours["rows"] / max(ours["seconds"], 1e-6)
    # The comparison the issue asks for: both importers on the same 10,000 rows, one right
    # after the other (a shared machine's load changes over a long run; adjacent runs see
    # the same load). Ours rolled back in this process.
    compared = min(rows, 10_000)
    compared_path = make_file(compared)
    _warm_file_cache()
    # PostgreSQL: a rolled-back import leaves a dead row and a dead index entry behind for
    # every row it wrote, and this server runs without autovacuum; both importers would
    # then write into and probe bloated indexes (the 10,000-row rates measured that way
    # were a third of the million-row rate). A live database is vacuumed; so is this one.
    ledger._vacuum(only_bloated=True)
    ours_compared = _ours(compared_path)
    # The goal's ratio: django-import-export doing the same import (through the services);
    # beside it, writing bare Person rows (far less work). ADR 0005.
    base = import_baselines.through_services(compared_path, compared)
    bare = import_baselines.bare_rows(compared_path, compared)
    ours_compared_rate = ours_compared["rows"] / max(ours_compared["seconds"], 1e-6)
    base_rate = base["rows"] / max(base["seconds"], 1e-6)
    bare_rate = bare["rows"] / max(bare["seconds"], 1e-6)
    ratio = round(ours_compared_rate / base_rate, 1)
    metrics = {
        **ours,
        "ledger_people_before": ledger_people,
        "rows_per_s": round(ours_rate),
        f"ours_{compared}_rows_per_s": round(ours_compared_rate),
        "bare_rows_baseline_rows_per_s": round(bare_rate),
        "ratio_vs_bare_rows": round(ours_compared_rate / bare_rate, 1),
    }
    if empty is not None:
        metrics |= {
            "empty_ledger_seconds": empty["seconds"],
            "empty_ledger_peak_rss_mb": empty["peak_rss_mb"],
            "empty_ledger_created": empty["created"],
        }
    passed = ratio >= 20 and (
        scale != "full" or (ours["seconds"] < 120 and ours["peak_rss_mb"] < 1536)
    )
    return [
        Result(
            benchmark="import_cp932_upsert",
            scale=scale,
            metrics=metrics,
            baseline={
                "tool": "django-import-export through the services",
                **base,
                "rows_per_s": round(base_rate),
            },
            ratio=ratio,
            goal="1,000,000 CP932 rows < 120 s, peak RSS < 1.5 GB, ≥ 20× django-import-export rows/s on 10,000 rows",
            passed=passed,
            notes=(
                "ours in a forked process (VmHWM includes the parent's pages), into a copy of the "
                "benchmark database with real per-batch commits (since 2026-12-03 on PostgreSQL too: "
                "before, rolled back, without commits or deferred foreign-key checks); ratio: both "
                "importers doing the same import of the same 10,000 rows back to back, rolled back "
                "(django-import-export through the services; its bare-row import beside it: ADR 0005); "
                "empty_ledger_*: the same file into a new, migrated, empty ledger (reported, not judged); "
                "since 2026-12-04 both million-row imports are bulk loads (indexes and postings built "
                "after the last batch, ADR 0006), the 10,000-row comparison is not"
            )
            if scale != "tiny"
            else "tiny: in-process, RSS is the test process's",
        )
    ]
