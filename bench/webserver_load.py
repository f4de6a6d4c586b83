"""Measure production web servers serving the real Daifuku app on loopback (ADR 0002).

    .venv/bin/pip install gunicorn uvloop httptools   # only for the comparison
    apt-get install wrk
    .venv/bin/python -m bench.webserver_load --rounds 3 --duration 8
    .venv/bin/python -m bench.webserver_load --servers granian-asgi,uvicorn-std --rounds 1

Each server runs with the same number of worker processes on 127.0.0.1 against one SQLite
database (2,000 people created through the real services, production settings with the SSL
redirect off). For each of three targets — the login page (anonymous), the customer list
(logged in with a session cookie) and a static file (WhiteNoise) — ``wrk`` warms up for 3 s
and then loads the server for a fixed duration with a fixed number of connections and a 5 s
request timeout, so every run is bounded. Rounds interleave the servers so that background
load on a shared machine hits all of them alike.

Recorded per run: requests/s, p50/p99 latency, non-2xx responses, socket errors (connect,
read, write, timeout) and the CPU time the server's process tree spent per request (read
from /proc) — the figure least disturbed by other work on the machine.
Not part of ``daifuku bench`` (it needs wrk and spawns servers); results go to
``bench/results/webserver.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8100
SERVERS = {
    "granian-asgi": [
        "granian",
        "--interface",
        "asgi",
        "daifuku.asgi:application",
        "--no-ws",
        "--log-level",
        "warning",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--workers",
        "{workers}",
    ],
    "granian-wsgi": [
        "granian",
        "--interface",
        "wsgi",
        "daifuku.wsgi:application",
        "--no-ws",
        "--log-level",
        "warning",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--workers",
        "{workers}",
    ],
    # What `daifuku serve` runs: WSGI with a bounded pool of Python threads per worker.
    "granian-wsgi-bounded": [
        "granian",
        "--interface",
        "wsgi",
        "daifuku.wsgi:application",
        "--no-ws",
        "--log-level",
        "warning",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--workers",
        "{workers}",
        "--blocking-threads",
        "{threads}",
        "--backpressure",
        "32",
    ],
    "uvicorn-std": [
        "uvicorn",
        "daifuku.asgi:application",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
        "--lifespan",
        "off",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--workers",
        "{workers}",
    ],
    "uvicorn-plain": [
        "uvicorn",
        "daifuku.asgi:application",
        "--loop",
        "asyncio",
        "--http",
        "h11",
        "--no-access-log",
        "--log-level",
        "warning",
        "--lifespan",
        "off",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--workers",
        "{workers}",
    ],
    "gunicorn-sync": [
        "gunicorn",
        "daifuku.wsgi:application",
        "-b",
        "127.0.0.1:{port}",
        "-w",
        "{workers}",
        "--log-level",
        "warning",
    ],
    "gunicorn-gthread": [
        "gunicorn",
        "daifuku.wsgi:application",
        "-b",
        "127.0.0.1:{port}",
        "-w",
        "{workers}",
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--log-level",
        "warning",
    ],
}
TARGETS = [
    ("login page", "/accounts/login/", False),
    ("customer list (logged in)", "/customers/", True),
    ("static file", "/static/web/daifuku.css", False),
]
TICK = os.sysconf("SC_CLK_TCK")


def environment(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "daifuku.settings",
        "DAIFUKU_ENV": "production",
        "DAIFUKU_SSL_REDIRECT": "0",
        "DAIFUKU_LOGIN_THROTTLE": "0",
        "DAIFUKU_SECRET_KEY": "loopback-measurement-only-" + "0123456789abcdef" * 3,
        "DAIFUKU_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DAIFUKU_DATA_DIR": str(data_dir),
    }


SETUP = r"""
import django
django.setup()
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
from daifuku.accounts.models import User
from daifuku.accounts.services import create_team, create_user
from daifuku.core.errors import ValidationFailed
from daifuku.customers.models import Person
from daifuku.customers.seeding import SeedGenerator
from daifuku.customers.services import create_person

call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
user = User.objects.filter(username="bench").first() or create_user(
    actor="bench", username="bench", password="bench-password-123", role="rep",
    team=create_team(actor="bench", name="ベンチ営業"), check_password=False)
for s in SeedGenerator(seed=7).people(2200):
    if Person.objects.count() >= 2000:
        break
    try:
        create_person(actor=user, data={
            "family_name": s.family_name, "given_name": s.given_name, "family_kana": s.family_kana,
            "given_kana": s.given_kana, "email": s.email or "", "phone": s.phone or "",
            "postal_code": s.postal_code, "prefecture": s.prefecture, "city": s.city,
            "address_line": s.address_line, "building": s.building,
            "birthday": s.birthday.isoformat() if s.birthday else "",
            "relationship_stage": s.relationship_stage, "lifecycle": s.lifecycle})
    except ValidationFailed:
        pass
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
"""


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    value, unit = float(match.group(1)), match.group(2)
    return {"us": value / 1000, "ms": value, "s": value * 1000, "m": value * 60_000}[unit]


def wrk(url: str, cookie: str | None, seconds: int, connections: int) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "5s",
        "-H",
        "X-Forwarded-Proto: https",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _milliseconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99_ms": _milliseconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in socket.groups()) if socket else 0,
    }


def _process_tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                todo += [
                    int(c)
                    for c in Path(f"/proc/{current}/task/{task}/children").read_text().split()
                ]
        except OSError:
            pass
    return found


def cpu_seconds(pid: int) -> float:
    total = 0
    for process in _process_tree(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        except OSError:
            pass
    return total / TICK


def measure(
    server: str, env: dict, cookie: str, seconds: int, connections: int, workers: int, threads: int
) -> list[dict]:
    binary = Path(sys.executable).parent / SERVERS[server][0]
    command = [str(binary)] + [
        a.format(port=PORT, workers=workers, threads=threads) for a in SERVERS[server][1:]
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    results = []
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}{TARGETS[2][1]}", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        for name, path, logged_in in TARGETS:
            url = f"http://127.0.0.1:{PORT}{path}"
            wrk(url, cookie if logged_in else None, 3, connections)  # warm-up
            before = cpu_seconds(process.pid)
            result = wrk(url, cookie if logged_in else None, seconds, connections)
            result["server_cpu_ms_per_request"] = round(
                (cpu_seconds(process.pid) - before) * 1000 / max(result["requests"], 1), 3
            )
            results.append(
                {
                    "server": server,
                    "target": name,
                    "connections": connections,
                    "workers": workers,
                    "threads": threads if "{threads}" in SERVERS[server] else None,
                    **result,
                }
            )
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return results


def summarise(runs: list[dict]) -> dict:
    summary: dict = {}
    for run in runs:
        summary.setdefault(run["server"], {}).setdefault(run["target"], []).append(run)
    table = {}
    for server, targets in summary.items():
        for target, items in targets.items():
            table.setdefault(server, {})[target] = {
                "rps_median": round(statistics.median(r["rps"] for r in items), 1),
                "p50_ms_median": round(statistics.median(r["p50_ms"] for r in items), 1),
                "p99_ms_median": round(statistics.median(r["p99_ms"] for r in items), 1),
                "p99_ms_worst": round(max(r["p99_ms"] for r in items), 1),
                "errors": sum(r["non_2xx"] + r["socket_errors"] for r in items),
                "cpu_ms_per_request_median": round(
                    statistics.median(r["server_cpu_ms_per_request"] for r in items), 2
                ),
                "runs": len(items),
            }
    return table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=8, help="Python threads per worker (granian-wsgi-bounded)"
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "webserver.json"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    servers = args.servers.split(",")
    with tempfile.TemporaryDirectory(prefix="daifuku-webserver-") as data_dir:
        env = environment(Path(data_dir))
        setup = subprocess.run(
            [sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, check=True
        )
        cookie = setup.stdout.strip().splitlines()[-1]
        runs = []
        for _ in range(args.rounds):
            for server in servers:
                runs += measure(
                    server, env, cookie, args.duration, args.connections, args.workers, args.threads
                )
    write_results(
        runs,
        args.output,
        scale=f"{args.workers} workers, {args.connections} connections, "
        f"{args.duration}s x {args.rounds} rounds, loopback",
    )


def _figures(row: dict, key: str) -> dict:
    return {
        f"{key}_{name}": value
        for name, value in (
            ("rps", row.get("rps_median")),
            ("p99_ms", row.get("p99_ms_median")),
            ("cpu_ms_per_request", row.get("cpu_ms_per_request_median")),
        )
    }


def write_results(
    runs: list[dict],
    output: str,
    scale: str,
    chosen: str = "granian-wsgi-bounded",
    baseline: str = "uvicorn-std",
) -> None:
    """bench/results/webserver.json: the chosen server against uvicorn, per target."""
    table = summarise(runs)
    keys = {"login page": "login", "customer list (logged in)": "list", "static file": "static"}
    metrics, base = {"server": chosen}, {"server": baseline}
    for target, key in keys.items():
        metrics.update(_figures(table.get(chosen, {}).get(target, {}), key))
        base.update(_figures(table.get(baseline, {}).get(target, {}), key))
    ratio = (
        round(metrics["login_rps"] / base["login_rps"], 2)
        if metrics.get("login_rps") and base.get("login_rps")
        else None
    )
    Path(output).write_text(
        json.dumps(
            {
                "benchmark": "webserver",
                "scale": scale,
                "metrics": metrics,
                "baseline": base,
                "ratio": ratio,
                "summary": table,
                "runs": runs,
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n"
    )
    for server, targets in summarise(runs).items():
        for target, row in targets.items():
            print(f"{server:20} {target:28} {row}")


if __name__ == "__main__":
    main()
