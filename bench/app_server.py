"""The granian server the HTTP load benchmarks run against (``bench_collect``,
``bench_mail_clicks``): the real app (plus a benchmark's baseline address) with production
settings on 127.0.0.1, one worker with 8 threads, against the benchmark database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from . import common


def database_url() -> str:
    """The benchmark database as ``DAIFUKU_DATABASE_URL`` for the server process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def in_memory() -> bool:
    """The test suite's SQLite database lives in this process only: no server can reach it."""
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and ("memory" in name or name == "")


def start(app: str, port: int, tmp: Path, **extra_env: str) -> subprocess.Popen:
    """granian serving ``app`` (``module:application``) on ``port``; returns once it
    accepts connections (60 s at most)."""
    granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or "granian"
    root = common.ROOT
    env = {
        **os.environ,
        "PYTHONPATH": f"{root / 'src'}:{root}",
        "DJANGO_SETTINGS_MODULE": "daifuku.settings",
        "DAIFUKU_ENV": "production",
        "DAIFUKU_SSL_REDIRECT": "0",
        "DAIFUKU_SECRET_KEY": "loopback-measurement-only-" + "0123456789abcdef" * 3,
        "DAIFUKU_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DAIFUKU_DATA_DIR": str(tmp),
        "DAIFUKU_DATABASE_URL": database_url(),
        "DAIFUKU_WORKER": "0",
        **extra_env,
    }
    command = [
        granian, "--interface", "wsgi", app,
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--blocking-threads", "8", "--no-ws", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=root)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the benchmark server did not start")
