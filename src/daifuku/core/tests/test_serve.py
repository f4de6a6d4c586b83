"""``daifuku serve`` starts the production server (granian, WSGI) and serves pages and static
files — run for real in a subprocess on a free loopback port."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from daifuku.core.management.commands.serve import granian_command

from .serving import (
    bootstrap,
    database_env,
    free_port,
    log_in,
    read_one,
    subprocess_env,
    wait_until_answering,
)

PASSWORD = "first-start-password-42"


def test_command_line_uses_wsgi_with_bounded_threads():
    command = granian_command(
        "granian", host="0.0.0.0", port=8000, workers=2, threads=8, backlog=32
    )
    assert command[:4] == ["granian", "--interface", "wsgi", "daifuku.wsgi:application"]
    assert command[command.index("--blocking-threads") + 1] == "8"
    assert command[command.index("--backpressure") + 1] == "32"
    assert command[command.index("--workers") + 1] == "2"


def _get(url: str):
    request = urllib.request.Request(url, headers={"Accept-Language": "ja"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_serve_answers_pages_and_static_files(tmp_path):
    port = free_port()
    env = subprocess_env(tmp_path)
    server = subprocess.Popen(
        [sys.executable, "-m", "daifuku.cli", "serve", "--port", str(port), "--threads", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, body = _get(base + "/accounts/login/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stdout.read().decode(errors="replace")) from None
                time.sleep(0.3)
        assert status == 200
        assert "ログイン".encode() in body
        status, headers, css = _get(base + "/static/web/daifuku.css")
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert b".sidenav" in css
        # the icon: linked from every page, and at /favicon.ico where browsers ask anyway
        assert b'<link rel="icon" href="/static/web/favicon.svg" type="image/svg+xml">' in body
        status, headers, svg = _get(base + "/static/web/favicon.svg")
        assert status == 200 and svg.startswith(b"<svg")
        status, headers, ico = _get(base + "/favicon.ico")
        assert status == 200 and headers["Content-Type"] == "image/vnd.microsoft.icon"
        assert ico[:4] == b"\x00\x00\x01\x00"  # an ICO file
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        server.stdout.close()


@pytest.mark.django_db(transaction=True)
def test_serve_runs_background_jobs_with_no_second_command_and_stops_them_together(tmp_path):
    """The documented first start: `daifuku serve` alone. A 名寄せ scan started from the page
    runs to the end (the worker started beside the web server), and stopping serve stops
    the worker too."""
    env = database_env(tmp_path)
    bootstrap(env, tmp_path, "firststart", PASSWORD)
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "daifuku.cli", "serve", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(server, base + "/accounts/login/")
        opener = log_in(base, "firststart", PASSWORD)
        queue = opener.open(base + "/customers/duplicates/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', queue).group(1)
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "type": "person"}).encode()
        opener.open(
            urllib.request.Request(
                base + "/customers/duplicates/scan/", data=form, headers={"Referer": base}
            ),
            timeout=30,
        ).read()
        deadline = time.monotonic() + 90
        while (
            status := read_one(
                tmp_path, "SELECT status FROM core_jobrun WHERE kind = %s", ["dedup_scan"]
            )
        ) in {None, "queued", "running"}:
            assert time.monotonic() < deadline, f"the scan is still {status}:\n{log.read_text()}"
            time.sleep(0.5)
        assert status == "succeeded"
        page = opener.open(base + "/customers/duplicates/", timeout=30).read().decode()
        assert 'id="no-worker"' not in page
        worker_pid = int(
            re.search(r"Background worker started \(pid (\d+)\)", log.read_text()).group(1)
        )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            raise
    assert code == 0, log.read_text()
    assert (
        not Path(f"/proc/{worker_pid}").exists()
        or "zombie" in Path(f"/proc/{worker_pid}/status").read_text()
    )
    with pytest.raises(OSError):  # the web server is gone too
        urllib.request.urlopen(base + "/accounts/login/", timeout=5)
    assert "Traceback" not in log.read_text()


def test_serve_on_the_default_threads_gives_no_granian_warning(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "daifuku.cli", "serve", "--port", str(port)],
        env=subprocess_env(tmp_path, DAIFUKU_WORKER="0"),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_answering(server, f"http://127.0.0.1:{port}/accounts/login/")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert "[WARNING]" not in output, output
    assert "Background worker started" not in output  # DAIFUKU_WORKER=0


@pytest.mark.django_db(transaction=True)
def test_serve_keeps_answering_after_its_idle_threads_end(tmp_path):
    """granian ends a request thread after it has been idle (here 5 s): its database
    connection is closed, and the server goes on — closing it inside the ending thread
    (the first form of core.connections) killed granian's worker."""
    env = database_env(tmp_path, GRANIAN_BLOCKING_THREADS_IDLE_TIMEOUT="5")
    bootstrap(env, tmp_path, "idle", PASSWORD)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "daifuku.cli", "serve", "--port", str(port), "--no-worker"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(server, base + "/accounts/login/")
        opener = log_in(base, "idle", PASSWORD)
        assert opener.open(base + "/customers/", timeout=30).status == 200
        time.sleep(9)  # the threads that served it end
        assert opener.open(base + "/customers/", timeout=30).status == 200
        assert server.poll() is None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert "Unexpected exit" not in output, output
