"""``daifuku worker`` survives a database that refuses it: it waits, 1 s, 2 s, 4 s … and
runs jobs once the database is there. Run for real in a subprocess: on PostgreSQL its
port refuses connections until the test opens a relay to the server; on SQLite the
database's directory does not exist until the test creates and migrates it."""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

from .serving import free_port, subprocess_env

ENQUEUE_SCAN = """
import django
django.setup()
from django.db import transaction
from daifuku.customers.dedup.services.decisions import start_scan
with transaction.atomic():
    job = start_scan(actor="test", entity_type="person")
print(job.pk)
"""


class Relay:
    """Accepts on ``port`` and relays every connection to ``target``: the database
    "comes up" on the port the worker was told."""

    def __init__(self, port: int, target: tuple[str, int]):
        self.listener = socket.create_server(("127.0.0.1", port))
        self.target = target
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (found := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
    return found


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_for_a_refusing_database_then_runs_jobs(tmp_path):
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        port = free_port()  # nothing listens: connections are refused
        url = f"postgres://{s['USER']}@127.0.0.1:{port}/{s['NAME']}"
    else:
        sqlite_file = tmp_path / "not-yet" / "daifuku.sqlite3"  # its directory is missing
        url = f"sqlite:///{sqlite_file}"
    env = subprocess_env(tmp_path, DAIFUKU_DATABASE_URL=url)
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "daifuku.cli", "worker"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    relay = None
    try:
        _wait_for(lambda: "tries again in 2 s" in log.read_text(), 60, "the second retry")
        assert worker.poll() is None, log.read_text()  # refused twice and still running
        if connection.vendor == "postgresql":
            relay = Relay(
                port,
                (
                    connection.settings_dict["HOST"] or "127.0.0.1",
                    int(connection.settings_dict["PORT"] or 5432),
                ),
            )
        else:
            sqlite_file.parent.mkdir()
            migrated = subprocess.run(
                [sys.executable, "-m", "daifuku.cli", "migrate", "-v", "0"],
                env=env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert migrated.returncode == 0, migrated.stderr
        enqueued = subprocess.run(
            [sys.executable, "-c", ENQUEUE_SCAN],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert enqueued.returncode == 0, enqueued.stderr
        job_id = int(enqueued.stdout.split()[-1])

        def job_status():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT status FROM core_jobrun WHERE id = %s", [job_id])
                    status = cursor.fetchone()[0]
            else:
                with sqlite3.connect(sqlite_file) as db:
                    status = db.execute(
                        "SELECT status FROM core_jobrun WHERE id = ?", [job_id]
                    ).fetchone()[0]
            return status if status not in {"queued", "running"} else None

        assert _wait_for(job_status, 90, "the worker to run the queued scan") == "succeeded"
        text = log.read_text()
        assert "tries again in 1 s" in text and "tries again in 2 s" in text
        assert worker.poll() is None
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            raise
        if relay:
            relay.close()
    assert code == 0, log.read_text()
