"""An SQLite database named by ``DAIFUKU_DATABASE_URL`` gets the settings the default SQLite
file has (IMMEDIATE transactions, WAL, busy timeout): the settings are read in a fresh
interpreter, as an install reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def _database_settings(url: str) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "d = settings.DATABASES['default'];"
        "print(json.dumps({'engine': d['ENGINE'], 'options': d.get('OPTIONS', {}),"
        " 'age': d.get('CONN_MAX_AGE')}, default=str))"
    )
    env = {**os.environ, "DAIFUKU_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "daifuku.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_an_sqlite_url_gets_immediate_transactions_and_wal(tmp_path):
    found = _database_settings(f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["options"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in found["options"]["init_command"]
    assert found["age"] == 600


def test_a_postgresql_url_keeps_its_own_options():
    found = _database_settings("postgres://someone@127.0.0.1:5432/crm")
    assert found["engine"] == "django.db.backends.postgresql"
    assert "transaction_mode" not in found["options"]
