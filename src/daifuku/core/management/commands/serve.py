"""``daifuku serve``: the production web server (granian, WSGI; see docs/adr/0002-web-server.md).

Every Daifuku view is synchronous, so the WSGI interface serves them without the thread
hop of ASGI, and streams exports, attachments and static files instead of buffering them
(Django's ASGI handler reads a synchronous streaming response into memory). Each worker
process runs a bounded pool of Python threads (``--threads``) and queues requests beyond
``--backlog`` per worker instead of piling them onto the GIL.

Static files are served by WhiteNoise from the same process, and ``serve`` starts the
background worker (``daifuku worker``: imports, 名寄せ scans, reminders) beside the web
server, so one command is enough for a small office — ``--no-worker`` (or
``DAIFUKU_WORKER=0``) when the worker runs elsewhere. Stopping ``serve`` (Ctrl+C,
SIGTERM) stops both: the worker finishes the task it is running first. Put a TLS proxy in
front for production."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(f"DAIFUKU_{name}", str(default)))


def default_threads() -> int:
    """Threads per worker process: 8 measured best (docs/adr/0002-web-server.md), but no
    more than granian's own limit of 2 × cores + 1 (it warns at every start past it)."""
    return min(8, 2 * (os.cpu_count() or 1) + 1)


# The worker gets this long to finish its running task when serve stops, then is killed
# (an interrupted job is marked failed by the next worker's schedule, an import undoable).
WORKER_STOP_SECONDS = 30


def granian_command(
    granian: str, *, host: str, port: int, workers: int, threads: int, backlog: int
) -> list[str]:
    return [
        granian,
        "--interface",
        "wsgi",
        "daifuku.wsgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--backpressure",
        str(backlog),
        "--no-ws",
        "--log-level",
        "warning",
    ]


class Command(BaseCommand):
    help = "Run the production web server (granian, WSGI)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("DAIFUKU_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=_env_int("PORT", 8000))
        parser.add_argument(
            "--workers",
            type=int,
            default=_env_int("WORKERS", 1),
            help="worker processes (about one per CPU core)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=_env_int("THREADS", default_threads()),
            help="Python threads per worker that run requests (default: 8, at most 2 × cores + 1)",
        )
        parser.add_argument(
            "--backlog",
            type=int,
            default=_env_int("BACKLOG", 32),
            help="requests a worker accepts at once; more wait in the queue",
        )
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background worker (run `daifuku worker` elsewhere); "
            "also DAIFUKU_WORKER=0",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which(
            "granian"
        )
        if not granian:
            self.stderr.write("granian is not installed; run `make install`.")
            sys.exit(1)
        command = granian_command(
            granian,
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
            backlog=options["backlog"],
        )
        self.stdout.write(
            f"Daifuku is running on http://{options['host']}:{options['port']}/  (Ctrl+C to stop)"
        )
        self.stdout.flush()
        if options["no_worker"] or not settings.DAIFUKU_WORKER:
            os.execv(granian, command)
        sys.exit(
            Supervisor(command, [sys.executable, "-m", "daifuku.cli", "worker"], self.stdout).run()
        )


def _die_with_parent() -> None:
    """In a child: be stopped if serve itself is killed (Linux), so no orphaned server
    keeps the port nor an orphaned worker the jobs."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Supervisor:
    """Runs the web server and the worker as two child processes and stops them together.

    Each child has its own process group, so a Ctrl+C reaches only ``serve``, which passes
    one SIGTERM to each (a second signal would make the worker abandon its task). A worker
    that exits on its own is started again after a pause; when the web server exits,
    ``serve`` stops the worker and exits with the server's code."""

    def __init__(self, web: list[str], worker: list[str], out):
        self.web_command, self.worker_command, self.out = web, worker, out
        self.stopping = False

    def _start(self, command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(command, process_group=0, preexec_fn=_die_with_parent)

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._stop)
        web = self._start(self.web_command)
        worker = self._start(self.worker_command)
        self.out.write(
            f"Background worker started (pid {worker.pid}); --no-worker to run it elsewhere"
        )
        self.out.flush()
        restart_at = None
        while not self.stopping and web.poll() is None:
            if worker.poll() is not None:
                if restart_at is None:
                    self.out.write(
                        f"The background worker exited (code {worker.returncode}); "
                        "starting it again in 10 s"
                    )
                    restart_at = time.monotonic() + 10
                elif time.monotonic() >= restart_at:
                    worker, restart_at = self._start(self.worker_command), None
            time.sleep(0.2)
        for child in (web, worker):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        try:
            web.wait(timeout=WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            web.kill()
        try:
            worker.wait(timeout=WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        return 0 if self.stopping else (web.returncode or 0)
