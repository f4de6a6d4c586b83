"""``daifuku bench [NAME …] --scale tiny|small|medium|full [--database sqlite|postgres]``.

``medium`` (200,000 people) is for the benchmarks that define it (``segments``): the
largest scale the shared development machine runs in minutes.

Benchmarks run against their own database (bench/data/bench-<scale>.sqlite3, or the
PostgreSQL database ``daifuku_bench_<scale>``), never the data you work with; data that
a previous run generated is reused."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections


class Command(BaseCommand):
    help = "Run the benchmarks under bench/ and write bench/results and docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*")
        parser.add_argument("--scale", default="small", choices=["tiny", "small", "medium", "full"])
        parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
        parser.add_argument(
            "--postgres-url",
            default=os.environ.get(
                "DAIFUKU_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
            ),
        )
        parser.add_argument(
            "--database-name",
            default=os.environ.get("DAIFUKU_BENCH_DATABASE_NAME", ""),
            help="PostgreSQL database (default daifuku_bench_<scale>) or SQLite file stem "
            "(default bench-<scale>): engineers sharing a server keep their data apart",
        )
        parser.add_argument("--no-save", action="store_true")

    def handle(self, *args, **options):
        root = Path.cwd()
        if not (root / "bench" / "runner.py").exists():
            raise CommandError("run `daifuku bench` from the project checkout (bench/ not found)")
        sys.path.insert(0, str(root))
        from bench import runner

        unknown = set(options["names"]) - set(runner.available())
        if unknown:
            raise CommandError(
                f"unknown benchmark(s): {', '.join(sorted(unknown))}; have {', '.join(runner.available())}"
            )
        self._switch_database(options, root)
        call_command("migrate", interactive=False, verbosity=0)
        runner.run(
            options["names"] or None,
            options["scale"],
            save=not options["no_save"],
            echo=self.stdout.write,
        )

    def _switch_database(self, options, root: Path) -> None:
        scale = options["scale"]
        default = settings.DATABASES["default"]
        if options["database"] == "sqlite":
            data = root / "bench" / "data"
            data.mkdir(parents=True, exist_ok=True)
            new = {
                **default,
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": data / f"{options['database_name'] or f'bench-{scale}'}.sqlite3",
                "OPTIONS": settings.SQLITE_OPTIONS,
            }
        else:
            import dj_database_url
            import psycopg

            admin_url = options["postgres_url"]
            name = options["database_name"] or f"daifuku_bench_{scale}"
            with psycopg.connect(
                admin_url.replace("postgres://", "postgresql://"), autocommit=True
            ) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if not exists:
                    conn.execute(f'CREATE DATABASE "{name}"')
            new = dj_database_url.parse(admin_url.rsplit("/", 1)[0] + "/" + name)
            new.setdefault("OPTIONS", {})
        connections["default"].close()
        settings.DATABASES["default"] = {**default, **new}
        connections.settings["default"] = settings.DATABASES["default"]
        del connections["default"]
        self.stdout.write(
            f"benchmark database: {connection.vendor} {settings.DATABASES['default']['NAME']}"
        )
