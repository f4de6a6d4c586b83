"""Every request's database connection goes away with the request's thread, whatever the
server: ``daifuku runserver`` (Django's threaded server, one new thread per request) is run
for real in a subprocess and asked for pages and API reads through many short-lived threads;
the database connections it holds (PostgreSQL: sessions of its database in
``pg_stat_activity``; SQLite: the open files of its process) must come back to where they
started. Before the fix each request left one open: PostgreSQL refused clients after ~97
requests and SQLite ran out of file descriptors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

import daifuku

from .serving import bootstrap, database_env, free_port, log_in, wait_until_answering

SRC = Path(daifuku.__file__).resolve().parent.parent
PASSWORD = "leak-test-password-42"
REQUESTS = 25  # per kind; twice this stays under PostgreSQL's 100 clients of a shared server


def _open_connections(server: subprocess.Popen) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [connection.settings_dict["NAME"]],
            )
            return cursor.fetchone()[0]
    count = 0
    for fd in Path(f"/proc/{server.pid}/fd").iterdir():
        try:
            if ".sqlite3" in os.readlink(fd):
                count += 1
        except OSError:  # closed while listed
            pass
    return count


@pytest.mark.django_db(transaction=True)
def test_runserver_threads_leave_no_database_connection_open(tmp_path):
    env = database_env(tmp_path)
    api_token = bootstrap(env, tmp_path, "leaktester", PASSWORD)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "daifuku.cli", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(server, base + "/accounts/login/")
        time.sleep(0.5)
        before = _open_connections(server)
        opener = log_in(base, "leaktester", PASSWORD)

        def page(_):  # each urlopen is its own TCP connection: runserver starts a thread for it
            return opener.open(base + "/", timeout=30).status

        def api(_):
            request = urllib.request.Request(
                base + "/api/v1/me", headers={"Authorization": f"Bearer {api_token}"}
            )
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
