"""Time to seed ``people_for(scale)`` people (with companies, households, contacts, contact
points, stage history and the search index) with ``daifuku seed`` into an empty database,
against Django's ``bulk_create`` of the same kind of rows for a tenth of them
(extrapolated), in the same run.

The seed is timed in a fresh scratch database (a subprocess running the real command), so
it measures what a new install sees and leaves the shared benchmark data alone; if the
benchmark data itself was just loaded into an empty database in this run, that load is
the measurement. Goal (issue 2): a million people in under 3 minutes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection, transaction

from . import common, ledger


class _Rollback(Exception):
    pass


def _scratch_env(scale: str) -> tuple[dict, callable]:
    import daifuku

    scratch = common.ROOT / "bench" / "data" / f"seed-scratch-{scale}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    env = {
        **os.environ,
        "DAIFUKU_DATA_DIR": str(scratch),
        "PYTHONPATH": os.pathsep.join(
            [str(Path(daifuku.__file__).resolve().parent.parent), str(common.ROOT)]
        ),
    }
    env.pop("DAIFUKU_DATABASE_URL", None)
    cleanup = [lambda: shutil.rmtree(scratch, ignore_errors=True)]
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        name = f"daifuku_bench_seed_{scale}"
        admin = {
            "host": settings.get("HOST") or "127.0.0.1",
            "port": settings.get("PORT") or 5432,
            "user": settings.get("USER") or "postgres",
            "password": settings.get("PASSWORD") or None,
            "dbname": "postgres",
        }
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        password = f":{admin['password']}" if admin["password"] else ""
        env["DAIFUKU_DATABASE_URL"] = (
            f"postgres://{admin['user']}{password}@{admin['host']}:{admin['port']}/{name}"
        )

        def drop():
            with psycopg.connect(**admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

        cleanup.append(drop)
    return env, lambda: [step() for step in cleanup]


def _daifuku(env: dict, *args: str) -> str:
    command = [sys.executable, "-c", "from daifuku.cli import main; main()", *args]
    done = subprocess.run(
        command, env=env, cwd=common.ROOT, capture_output=True, text=True, timeout=3600
    )
    if done.returncode != 0:
        raise RuntimeError(f"daifuku {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


def _measure_seed(scale: str, people: int) -> tuple[float, dict]:
    loaded = ledger.last_load()
    if (
        loaded.get("scale") == scale
        and loaded.get("database") == connection.vendor
        and loaded.get("empty_before")
        and loaded.get("people") == people
    ):
        return loaded["seconds"], {**loaded["timings"], "source": "benchmark data load in this run"}
    env, cleanup = _scratch_env(scale)
    try:
        _daifuku(env, "migrate", "-v", "0")
        started = time.perf_counter()
        out = _daifuku(
            env,
            "seed",
            "--customers",
            str(people),
            "--companies",
            str(ledger.companies_for(people)),
            "--seed",
            str(ledger.SEED),
            "--unowned",
            "-v",
            "2",
        )
        wall = time.perf_counter() - started
    finally:
        cleanup()
    timings = {
        m.group(1): float(m.group(2)) for m in re.finditer(r"^\s+(\S.*?)\s+([\d.]+) s$", out, re.M)
    }
    match = re.search(r"in ([\d.]+) s\.", out)
    return (float(match.group(1)) if match else wall), {**timings, "command_wall_s": round(wall, 2)}


def _bulk_create_baseline(sample: int) -> float:
    """The usual Django way: model instances, cleaned by the services' own functions, and
    bulk_create per table (rolled back afterwards)."""
    from daifuku.core import search
    from daifuku.core.errors import ValidationFailed
    from daifuku.core.japanese import kana_sort_key
    from daifuku.customers.models import (
        EmailAddress,
        HouseholdMember,
        Person,
        PhoneNumber,
        RelationshipStageChange,
    )
    from daifuku.customers.search_index import PERSON, person_sort_kana
    from daifuku.customers.seeding import SeedGenerator
    from daifuku.customers.validation import clean_emails, clean_phones

    seeds = list(SeedGenerator(seed=ledger.SEED + 99).people(sample))
    started = time.perf_counter()
    try:
        with transaction.atomic():
            people = Person.objects.bulk_create(
                [
                    Person(
                        family_name=s.family_name,
                        given_name=s.given_name,
                        family_kana=s.family_kana,
                        given_kana=s.given_kana,
                        birthday=s.birthday,
                        gender=s.gender,
                        postal_code=s.postal_code,
                        prefecture=s.prefecture,
                        city=s.city,
                        address_line=s.address_line,
                        building=s.building,
                        relationship_stage=s.relationship_stage,
                        lifecycle=s.lifecycle,
                        source_channel=s.source_channel,
                        preferences=s.preferences,
                        notes=s.notes,
                        sort_kana=person_sort_kana(
                            s.family_name, s.given_name, s.family_kana, s.given_kana
                        ),
                    )
                    for s in seeds
                ],
                batch_size=2000,
            )
            emails, phones, household, stages = [], [], [], []
            for person, s in zip(people, seeds, strict=True):
                if s.email:
                    for row in clean_emails([s.email]):
                        emails.append(
                            EmailAddress(
                                person=person,
                                address=row["address"],
                                domain=row["address"].rpartition("@")[2],
                                is_primary=True,
                            )
                        )
                if s.phone:
                    try:
                        phones.extend(
                            PhoneNumber(person=person, **row) for row in clean_phones([s.phone])
                        )
                    except ValidationFailed:
                        pass
                household.extend(
                    HouseholdMember(
                        person=person,
                        name=m.name,
                        kana=m.kana,
                        relation=m.relation,
                        birthday=m.birthday,
                    )
                    for m in s.household
                )
                stages.append(
                    RelationshipStageChange(
                        person=person,
                        stage=s.relationship_stage,
                        reached_on=person.created_at.date(),
                    )
                )
            EmailAddress.objects.bulk_create(emails, batch_size=2000)
            PhoneNumber.objects.bulk_create(phones, batch_size=2000)
            HouseholdMember.objects.bulk_create(household, batch_size=2000)
            RelationshipStageChange.objects.bulk_create(stages, batch_size=2000)
            search.bulk_index(
                PERSON,
                [
                    (
                        p.pk,
                        [p.family_name + p.given_name, p.family_kana + p.given_kana],
                        kana_sort_key(p.family_kana, p.given_kana),
                    )
                    for p in people
                ],
            )
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def _generator_rate(count: int) -> float:
    """People per second the seed generator alone yields (no database): the part of the
    seed no loader can speed up (was printed by a test; timings belong here)."""
    from daifuku.customers.seeding import SeedGenerator

    started = time.perf_counter()
    for _ in SeedGenerator(seed=1).people(count, duplicate_rate=0.02):
        pass
    return count / max(time.perf_counter() - started, 1e-9)


def run(scale: str) -> list[common.Result]:
    people = common.people_for(scale)
    ledger.ensure_people(scale)
    seconds, timings = _measure_seed(scale, people)
    sample = max(20, people // 10)
    baseline_seconds = _bulk_create_baseline(sample)
    extrapolated = baseline_seconds * people / sample
    per_million = seconds * 1_000_000 / people
    return [
        common.Result(
            benchmark="seed",
            scale=scale,
            metrics={
                "seconds": round(seconds, 2),
                "people": people,
                "people_per_second": round(people / seconds),
                "extrapolated_1m_s": round(per_million, 1),
                "generator_people_per_second": round(_generator_rate(min(people, 100_000))),
            },
            baseline={
                "bulk_create_sample_people": sample,
                "bulk_create_seconds": round(baseline_seconds, 2),
                "bulk_create_extrapolated_s": round(extrapolated, 1),
            },
            ratio=round(extrapolated / max(seconds, 0.001), 2),
            goal="1,000,000 people in < 180 s (scaled linearly below full scale)",
            passed=per_million < 180,
            notes=f"{ledger.companies_for(people):,} companies too; loader stages {timings}; the baseline loads "
            "people, e-mails, phones, household, stage history with bulk_create and the same bulk_index, "
            "into the benchmark database (then rolled back)",
        )
    ]
