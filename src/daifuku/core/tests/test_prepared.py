"""Statements prepared once per connection (PostgreSQL) give what a plain execute gives."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daifuku.core import prepared

pytestmark = pytest.mark.django_db

SQL = "SELECT %s + 1, CAST(%s AS TEXT) || '%%', 'a' WHERE %s > 0"


def _run(values):
    with connection.cursor() as cursor:
        prepared.execute(cursor, SQL, values)
        return cursor.fetchall()


def test_the_same_rows_as_a_plain_execute_every_time():
    with connection.cursor() as cursor:
        cursor.execute(SQL, [41, "x", 1])
        plain = cursor.fetchall()
    assert plain == [(42, "x%", "a")]
    assert [_run([41, "x", 1]) for _ in range(8)] == [
        plain
    ] * 8  # past PostgreSQL's five custom plans
    assert _run([1, "y", 0]) == []


def test_prepared_once_per_connection():
    _run([1, "x", 1])
    with CaptureQueriesContext(connection) as queries:
        _run([2, "y", 1])
    assert len(queries) == 1
    if connection.vendor == "postgresql":
        assert queries[0]["sql"].startswith("EXECUTE daifuku_")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_prepared_statements WHERE name LIKE 'daifuku_%%'"
            )
            assert cursor.fetchone()[0] >= 1


def test_past_the_most_it_forgets_and_prepares_anew(monkeypatch):
    monkeypatch.setattr(prepared, "MOST_PREPARED", 2)
    prepared.forget()
    for number in range(5):  # five statements, two remembered at a time
        with connection.cursor() as cursor:
            prepared.execute(cursor, f"SELECT {number} + %s", [1])
            assert cursor.fetchall() == [(number + 1,)]
    assert _run([1, "x", 1]) == [(2, "x%", "a")]


def test_switched_off_it_is_a_plain_execute(settings):
    settings.DAIFUKU_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        assert _run([1, "x", 1]) == [(2, "x%", "a")]
    assert "EXECUTE" not in queries[0]["sql"]


@pytest.mark.parametrize(("value", "expected"), [(None, "True"), ("0", "False"), ("1", "True")])
def test_the_environment_switches_it(value, expected, tmp_path):
    """Installs behind pgbouncer in transaction mode turn it off without editing settings."""
    environment = {
        key: val for key, val in os.environ.items() if key != "DAIFUKU_PREPARED_STATEMENTS"
    }
    environment["DAIFUKU_DATA_DIR"] = str(tmp_path)
    if value is not None:
        environment["DAIFUKU_PREPARED_STATEMENTS"] = value
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import daifuku.settings as s; print(s.DAIFUKU_PREPARED_STATEMENTS)",
        ],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert shown == expected
