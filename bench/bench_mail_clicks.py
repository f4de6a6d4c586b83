"""Click redirects of marketing mail under load on loopback: redirects per second with
nothing lost, against a plain Django view that finds the delivery, inserts the click with
one ORM insert and redirects, in the same run.

A granian server (1 worker, 8 threads, production settings) serves the real app plus the
baseline address (bench/mail_clicks_urls.py) on 127.0.0.1 against the benchmark database.
``PROCESSES`` load processes, each with one keep-alive connection (plain sockets), request signed click
links of ``DELIVERIES`` deliveries (every 302 counted) for ``SECONDS`` per address.
Afterwards the tracking inbox is flushed and the click events counted: every click
answered 302 must be one click event, exactly."""

from __future__ import annotations

import http.client
import multiprocessing
import random
import secrets
import socket
import time
from pathlib import Path
from urllib.parse import quote

from . import app_server, common

SECONDS = {"tiny": 2, "small": 15, "full": 60}
DELIVERIES = {"tiny": 50, "small": 2_000, "full": 20_000}
PROCESSES = 6
WARMUP = 20
PORT = 8109
BASE = f"http://127.0.0.1:{PORT}"
AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
TARGET = "https://shop.example.jp/items/autumn-tea?utm_source=mail&utm_campaign=bench"


def _answer(sock: socket.socket, buffer: bytes) -> tuple[int, bytes]:
    """Read one HTTP/1.1 answer (status, headers, Content-Length body); returns the status
    and what was read beyond it."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    head, _sep, rest = buffer.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
        elif line.lower() == b"transfer-encoding: chunked":
            while b"0\r\n\r\n" not in rest:
                rest += sock.recv(65536)
            return int(head[9:12]), rest.partition(b"0\r\n\r\n")[2]
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        rest += chunk
    return int(head[9:12]), rest[length:]


def _client(paths: list[str], seconds: float, answers) -> None:
    """One load process: GET random paths over one keep-alive connection until time is up.
    Plain sockets, not http.client: the load generator shares the machine's two cores with
    the server, and http.client cost it three times the CPU per request."""
    requests = [
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nUser-Agent: {AGENT}\r\n\r\n".encode()
        for path in paths
    ]
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=30)
    buffer = b""
    redirected = errors = 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        try:
            sock.sendall(random.choice(requests))
            status, buffer = _answer(sock, buffer)
            if status == 302:
                redirected += 1
            else:
                errors += 1
        except OSError:
            errors += 1
            sock.close()
            sock = socket.create_connection(("127.0.0.1", PORT), timeout=30)
            buffer = b""
    sock.close()
    answers.put((redirected, errors))


def _load_server(paths: list[str], seconds: float) -> dict:
    # warm up, not counted: the first requests of the server's threads import the URL conf
    # and the views and open their database connections (2 s for the very first)
    warm = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    for path in paths[-WARMUP:]:
        warm.request("GET", path)
        warm.getresponse().read()
    warm.close()
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    workers = [
        context.Process(target=_client, args=(paths, seconds, answers)) for _ in range(PROCESSES)
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    results = [answers.get(timeout=seconds + 120) for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    return {
        "redirected": sum(r[0] for r in results),
        "errors": sum(r[1] for r in results),
        "elapsed": elapsed,
    }


def _load_in_process(paths: list[str], seconds: float) -> dict:
    """The test suite's database: the same views through the test client (not a measurement)."""
    from django.test import Client

    client = Client()
    redirected = errors = 0
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        response = client.get(random.choice(paths))
        if response.status_code == 302:
            redirected += 1
        else:
            errors += 1
    return {"redirected": redirected, "errors": errors, "elapsed": time.monotonic() - started}


def _deliveries(name: str, n: int) -> tuple[object, list[str]]:
    from daifuku.marketing.models import Campaign, Delivery, Segment

    segment, _ = Segment.objects.get_or_create(
        name="bench: click redirects", defaults={"kind": "static"}
    )
    campaign = Campaign.objects.create(name=name, segment=segment, subject=name, html="")
    rows = [
        Delivery(
            campaign=campaign,
            email=f"bench{i}@example.jp",
            domain="example.jp",
            token=secrets.token_urlsafe(16)[:22],
            status="sent",
        )
        for i in range(n)
    ]
    Delivery.objects.bulk_create(rows, batch_size=1000)
    return campaign, [row.token for row in rows]


def run(scale: str) -> list[common.Result]:
    import tempfile

    from django.test.utils import override_settings

    from daifuku.marketing.models import Campaign, MailEvent, TrackingHit
    from daifuku.marketing.services.tracking import flush
    from daifuku.marketing.tracking import links

    Campaign.objects.filter(name__startswith="bench clicks").delete()
    TrackingHit.objects.all().delete()
    seconds, n = SECONDS[scale], DELIVERIES[scale]
    ours_campaign, ours_tokens = _deliveries("bench clicks: ours", n)
    naive_campaign, naive_tokens = _deliveries("bench clicks: naive", n)
    in_process = app_server.in_memory()
    secret = "loopback-measurement-only-" + "0123456789abcdef" * 3
    with override_settings(SECRET_KEY=secret, DAIFUKU_PUBLIC_URL=BASE):
        ours_paths = [links.click_url(t, TARGET).removeprefix(BASE) for t in ours_tokens]
    naive_paths = [f"/bench/click-naive/{t}?u={quote(TARGET, safe='')}" for t in naive_tokens]
    if in_process:
        with override_settings(ROOT_URLCONF="bench.mail_clicks_urls", SECRET_KEY=secret):
            ours = _load_in_process(ours_paths, seconds)
            naive = _load_in_process(naive_paths, seconds)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            server = app_server.start(
                "bench.mail_clicks_app:application", PORT, Path(tmp), DAIFUKU_PUBLIC_URL=BASE
            )
            try:
                ours = _load_server(ours_paths, seconds)
                naive = _load_server(naive_paths, seconds)
            finally:
                server.terminate()
                server.wait(timeout=30)
    flush()  # what the last requests left in the inbox (the scheduled job's work)
    # the warm-up requests (server only) were answered and recorded too
    warmed = 0 if in_process else WARMUP
    stored_ours = MailEvent.objects.filter(campaign=ours_campaign, kind="click").count()
    stored_naive = MailEvent.objects.filter(campaign=naive_campaign, kind="click").count()
    opened = ours_campaign.deliveries.filter(opened_at__isnull=False).count()
    rate_ours = ours["redirected"] / ours["elapsed"]
    rate_naive = naive["redirected"] / naive["elapsed"]
    lost = ours["redirected"] + warmed - stored_ours
    Campaign.objects.filter(name__startswith="bench clicks").delete()
    return [
        common.Result(
            benchmark="mail_click_redirects",
            scale=scale,
            metrics={
                "redirects_per_s": round(rate_ours),
                "seconds": round(ours["elapsed"], 1),
                "redirects": ours["redirected"],
                "click_events": stored_ours - warmed,
                "deliveries_opened": opened,
                "lost": lost,
                "errors": ours["errors"],
            },
            baseline={
                "orm_insert_per_click_redirects_per_s": round(rate_naive),
                "redirects": naive["redirected"],
                "click_events": stored_naive - warmed,
                "errors": naive["errors"],
            },
            ratio=round(rate_ours / max(rate_naive, 0.001), 2),
            goal=">= 1,000 click redirects/s on loopback, every click recorded once",
            passed=rate_ours >= 1000 and lost == 0 and ours["errors"] == 0 and not in_process,
            notes=(
                "IN-PROCESS (in-memory test database, no server): not a measurement; "
                if in_process
                else ""
            )
            + f"granian 1 worker × 8 threads on 127.0.0.1, {PROCESSES} load processes with a "
            f"keep-alive connection each, {n} deliveries, {seconds} s per address; the "
            "machine's 2 cores are shared with the load generator",
        )
    ]
