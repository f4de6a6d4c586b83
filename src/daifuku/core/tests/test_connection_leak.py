"""Every request's database connection goes away with the request's thread, whatever the
server: ``daifuku runserver`` (Django's threaded server, one new thread per request) is run
for real in a subprocess and asked for pages and API reads through many short-lived threads;
the database connections it holds (PostgreSQL: sessions of its database in
``pg_stat_activity``; SQLite: the open files of its process) must come back to where they
started. Before the fix each request left one open: PostgreSQL refused clients after ~97
requests and SQLite ran out of file descriptors."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

import daifuku

from .serving import free_port, subprocess_env, wait_until_answering

SRC = Path(daifuku.__file__).resolve().parent.parent
PASSWORD = "leak-test-password-42"
REQUESTS = 25  # per kind; twice this stays under PostgreSQL's 100 clients of a shared server

BOOTSTRAP = f"""
import django, json
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from daifuku.accounts.services import create_api_token, create_user
user = create_user(actor="test", username="leaktester", password={PASSWORD!r}, role="admin",
                   check_password=False)
print(json.dumps({{"token": create_api_token(actor=user, user=user)[1]}}))
"""


def _database_env(tmp_path) -> dict[str, str]:
    env = subprocess_env(tmp_path)
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["DAIFUKU_DATABASE_URL"] = (f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:"
                                       f"{s['PORT'] or 5432}/{s['NAME']}")
    return env


def _open_connections(server: subprocess.Popen) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                           [connection.settings_dict["NAME"]])
            return cursor.fetchone()[0]
    fds = Path(f"/proc/{server.pid}/fd")
    count = 0
    for fd in fds.iterdir():
        try:
            if ".sqlite3" in os.readlink(fd):
                count += 1
        except OSError:  # closed while listed
            pass
    return count


def _logged_in_opener(base: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "leaktester",
                                   "password": PASSWORD}).encode()
    opener.open(urllib.request.Request(base + "/accounts/login/", data=form, headers={"Referer": base}),
                timeout=30).read()
    return opener


@pytest.mark.django_db(transaction=True)
def test_runserver_threads_leave_no_database_connection_open(tmp_path):
    env = _database_env(tmp_path)
    made = subprocess.run([sys.executable, "-c", BOOTSTRAP], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    api_token = json.loads(made.stdout.strip().splitlines()[-1])["token"]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "daifuku.cli", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(server, base + "/accounts/login/")
        time.sleep(0.5)
        before = _open_connections(server)
        opener = _logged_in_opener(base)

        def page(_):  # each urlopen is its own TCP connection: runserver starts a thread for it
            return opener.open(base + "/", timeout=30).status

        def api(_):
            request = urllib.request.Request(base + "/api/v1/me", headers={"Authorization": f"Bearer {api_token}"})
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status

        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(page, range(REQUESTS))) + list(pool.map(api, range(REQUESTS)))
        assert set(statuses) == {200}
        deadline = time.monotonic() + 15
        while (after := _open_connections(server)) > before and time.monotonic() < deadline:
            time.sleep(0.2)
        assert after <= before, f"{after - before} connections left open by {2 * REQUESTS} requests"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        server.stderr.close()
