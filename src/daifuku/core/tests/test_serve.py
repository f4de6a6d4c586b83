"""``daifuku serve`` starts the production server (granian, WSGI) and serves pages and static
files — run for real in a subprocess on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import daifuku
from daifuku.core.management.commands.serve import granian_command

SRC = Path(daifuku.__file__).resolve().parent.parent


def test_command_line_uses_wsgi_with_bounded_threads():
    command = granian_command("granian", host="0.0.0.0", port=8000, workers=2, threads=8, backlog=32)
    assert command[:4] == ["granian", "--interface", "wsgi", "daifuku.wsgi:application"]
    assert command[command.index("--blocking-threads") + 1] == "8"
    assert command[command.index("--backpressure") + 1] == "32"
    assert command[command.index("--workers") + 1] == "2"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    request = urllib.request.Request(url, headers={"Accept-Language": "ja"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_serve_answers_pages_and_static_files(tmp_path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("DAIFUKU_")
           and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"PYTHONPATH": str(SRC), "DJANGO_SETTINGS_MODULE": "daifuku.settings",
                "DAIFUKU_DATA_DIR": str(tmp_path)})
    server = subprocess.Popen(
        [sys.executable, "-m", "daifuku.cli", "serve", "--port", str(port), "--threads", "2"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
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
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        server.stdout.close()
