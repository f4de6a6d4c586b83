"""``/behaviour/collect`` under load on loopback: events per second sustained, and that
nothing is lost, against one ORM insert per event, in the same run.

A granian server (1 worker, 8 threads, production settings) serves the real app plus the
baseline address (bench/collect_app.py) on 127.0.0.1 against the benchmark database.
``CLIENTS`` threads with keep-alive connections post batches of ``BATCH`` events (the
snippet's batch size: it sends every 10 events or every second) as fast as the server
answers, for ``SECONDS`` per address. Afterwards the inbox is flushed and the events in the
table are counted: every event answered 202 must be there exactly once."""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from pathlib import Path

from django.utils import timezone

from . import app_server, common

SECONDS = {"tiny": 3, "small": 20, "full": 60}
CLIENTS = 8
BATCH = 10
ORIGIN = "http://bench.example"
PORT = 8107


class _InProcess:
    """``http.client.HTTPConnection``'s few methods over Django's test client: the same
    views and database writes without the socket (used only for the in-memory test
    database, where the numbers are not the benchmark's)."""

    def __init__(self, *_args, **_kwargs) -> None:
        from django.test import Client

        self.client = Client()
        self.response = None

    def request(self, method, path, body, headers) -> None:
        self.response = self.client.post(
            path, body, content_type=headers["Content-Type"], headers={"Origin": headers["Origin"]}
        )

    def getresponse(self):
        response = self.response

        class Answer:
            status = response.status_code

            def read(self) -> bytes:
                return response.content

        return Answer()

    def close(self) -> None:
        pass


def _load(path: str, seconds: float, connect=http.client.HTTPConnection) -> dict:
    """Post batches from CLIENTS threads for ``seconds``; what was sent and answered."""
    stop = time.monotonic() + seconds
    totals = {"accepted": 0, "requests": 0, "errors": 0, "visitors": set()}
    lock = threading.Lock()
    clients = CLIENTS if connect is http.client.HTTPConnection else 1

    def client() -> None:
        conn = connect("127.0.0.1", PORT, timeout=30)
        visitor = "bench" + uuid.uuid4().hex
        accepted = requests = errors = 0
        while time.monotonic() < stop:
            now = timezone.now().isoformat()
            batch = [
                {"id": uuid.uuid4().hex, "type": "page_view", "ts": now,
                 "url": "https://shop.example.jp/items/" + str(i)}
                for i in range(BATCH)
            ]  # fmt: skip
            body = json.dumps({"visitor": visitor, "events": batch})
            try:
                conn.request("POST", path, body, {"Origin": ORIGIN, "Content-Type": "text/plain"})
                response = conn.getresponse()
                answer = response.read()
                requests += 1
                if response.status == 202:
                    accepted += json.loads(answer)["accepted"]
                else:
                    errors += 1
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = connect("127.0.0.1", PORT, timeout=30)
        conn.close()
        with lock:
            totals["accepted"] += accepted
            totals["requests"] += requests
            totals["errors"] += errors
            totals["visitors"].add(visitor)

    # warm up (the first request of a process imports the URL conf and the views): one
    # batch of a visitor of its own, not counted
    warm = connect("127.0.0.1", PORT, timeout=30)
    for _ in range(3):
        warm.request(
            "POST",
            path,
            json.dumps({"visitor": "benchwarmup", "events": []}),
            {"Origin": ORIGIN, "Content-Type": "text/plain"},
        )
        warm.getresponse().read()
    warm.close()
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    totals["elapsed"] = time.monotonic() - started
    return totals


def run(scale: str) -> list[common.Result]:
    import tempfile

    from daifuku.behaviour.models import BehaviourSettings, Event, InboxBatch
    from daifuku.behaviour.services import flush

    BehaviourSettings.objects.update_or_create(
        pk=1, defaults={"allowed_origins": ORIGIN, "identify_secret": "bench"}
    )
    Event.objects.filter(visitor_id__startswith="bench").delete()
    InboxBatch.objects.all().delete()
    seconds = SECONDS[scale]
    in_process = app_server.in_memory()
    if in_process:  # the test suite's database: same views through the test client
        from django.test.utils import override_settings

        with override_settings(ROOT_URLCONF="bench.collect_urls", ALLOWED_HOSTS=["*"]):
            ours = _load("/behaviour/collect", seconds, _InProcess)
            naive = _load("/bench/collect-naive", seconds, _InProcess)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            server = app_server.start("bench.collect_app:application", PORT, Path(tmp))
            try:
                ours = _load("/behaviour/collect", seconds)
                naive = _load("/bench/collect-naive", seconds)
            finally:
                server.terminate()
                server.wait(timeout=30)
    flush()  # what the last requests left in the inbox (the scheduled job's work)
    stored_ours = Event.objects.filter(visitor_id__in=ours["visitors"]).count()
    stored_naive = Event.objects.filter(visitor_id__in=naive["visitors"]).count()
    rate_ours = ours["accepted"] / ours["elapsed"]
    rate_naive = naive["accepted"] / naive["elapsed"]
    lost = ours["accepted"] - stored_ours
    Event.objects.filter(visitor_id__startswith="bench").delete()
    return [
        common.Result(
            benchmark="behaviour_collect",
            scale=scale,
            metrics={
                "events_per_s": round(rate_ours),
                "requests_per_s": round(ours["requests"] / ours["elapsed"]),
                "seconds": round(ours["elapsed"], 1),
                "events_accepted": ours["accepted"],
                "events_stored": stored_ours,
                "lost": lost,
                "errors": ours["errors"],
            },
            baseline={
                "orm_insert_per_event_events_per_s": round(rate_naive),
                "events_accepted": naive["accepted"],
                "events_stored": stored_naive,
                "errors": naive["errors"],
            },
            ratio=round(rate_ours / max(rate_naive, 0.001), 2),
            goal=">= 1,000 events/s sustained for 60 s on loopback, nothing lost",
            passed=rate_ours >= 1000 and lost == 0 and ours["errors"] == 0 and seconds >= 60,
            notes=(
                "IN-PROCESS (in-memory test database, no server): not a measurement; "
                if in_process
                else ""
            )
            + f"granian 1 worker × 8 threads on 127.0.0.1, {CLIENTS} keep-alive clients, "
            f"batches of {BATCH} events, {seconds} s per address (the goal needs 60 s: "
            "`--scale full`); the machine's 2 cores are shared with the load generator",
        )
    ]
