"""Helpers for tests that run a ``daifuku`` command for real in a subprocess: a free
loopback port, the environment an operator would give it, and waiting for it to answer."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import daifuku

SRC = Path(daifuku.__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def subprocess_env(data_dir, **environment) -> dict[str, str]:
    """This process's environment without its Daifuku and Django settings (the subprocess
    reads ``daifuku.settings`` as in production), with its own data directory."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DAIFUKU_")
        and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "PYTHONPATH": str(SRC),
            "DJANGO_SETTINGS_MODULE": "daifuku.settings",
            "DAIFUKU_DATA_DIR": str(data_dir),
        }
    )
    env.update(environment)
    return env


def wait_until_answering(server: subprocess.Popen, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                response.read()
                return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{url} never answered (exit code {server.poll()})") from None
            time.sleep(0.3)


def database_env(data_dir, **environment) -> dict[str, str]:
    """:func:`subprocess_env` on the database of this test run: PostgreSQL's test database
    (the test must commit what the subprocess should see: ``transaction=True``), or a fresh
    SQLite file in ``data_dir`` (to be migrated)."""
    from django.db import connection

    env = subprocess_env(data_dir, **environment)
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["DAIFUKU_DATABASE_URL"] = (
            f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        )
    return env


def read_one(data_dir, sql: str, params: list):
    """The first column of the first row of ``sql`` (``%s`` placeholders) in the database
    of :func:`database_env`, read as the subprocess wrote it."""
    import sqlite3

    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    else:
        with sqlite3.connect(Path(data_dir) / "daifuku.sqlite3") as db:
            row = db.execute(sql.replace("%s", "?"), params).fetchone()
    return row[0] if row else None


BOOTSTRAP = """
import django, json, sys
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from daifuku.accounts.services import create_api_token, create_user
user = create_user(actor="test", username=sys.argv[1], password=sys.argv[2], role="admin",
                   check_password=False)
print(json.dumps({"token": create_api_token(actor=user, user=user)[1]}))
"""


def bootstrap(env: dict, cwd, username: str, password: str) -> str:
    """Migrate the subprocess's database and create an admin; returns an API token of it."""
    import json
    import sys

    made = subprocess.run(
        [sys.executable, "-c", BOOTSTRAP, username, password],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout.strip().splitlines()[-1])["token"]


def log_in(base: str, username: str, password: str):
    """A urllib opener logged in through the real login form (its cookies kept)."""
    import http.cookiejar
    import re
    import urllib.parse

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    opener.addheaders = [("Accept-Language", "ja")]
    page = opener.open(base + "/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    opener.open(
        urllib.request.Request(base + "/accounts/login/", data=form, headers={"Referer": base}),
        timeout=30,
    ).read()
    return opener
