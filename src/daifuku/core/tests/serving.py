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
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("DAIFUKU_")
           and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"PYTHONPATH": str(SRC), "DJANGO_SETTINGS_MODULE": "daifuku.settings",
                "DAIFUKU_DATA_DIR": str(data_dir)})
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
