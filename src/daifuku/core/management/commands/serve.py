"""``daifuku serve``: the production web server (granian, WSGI; see docs/adr/0002-web-server.md).

Every Daifuku view is synchronous, so the WSGI interface serves them without the thread
hop of ASGI, and streams exports, attachments and static files instead of buffering them
(Django's ASGI handler reads a synchronous streaming response into memory). Each worker
process runs a bounded pool of Python threads (``--threads``) and queues requests beyond
``--backlog`` per worker instead of piling them onto the GIL.

Static files are served by WhiteNoise from the same process, so one command is enough for
a small office; put a TLS proxy in front for production."""

from __future__ import annotations

import os
import shutil
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(f"DAIFUKU_{name}", str(default)))


def granian_command(granian: str, *, host: str, port: int, workers: int, threads: int,
                    backlog: int) -> list[str]:
    return [
        granian, "--interface", "wsgi", "daifuku.wsgi:application",
        "--host", host, "--port", str(port), "--workers", str(workers),
        "--blocking-threads", str(threads), "--backpressure", str(backlog),
        "--no-ws", "--log-level", "warning",
    ]


class Command(BaseCommand):
    help = "Run the production web server (granian, WSGI)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("DAIFUKU_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=_env_int("PORT", 8000))
        parser.add_argument("--workers", type=int, default=_env_int("WORKERS", 1),
                            help="worker processes (about one per CPU core)")
        parser.add_argument("--threads", type=int, default=_env_int("THREADS", 8),
                            help="Python threads per worker that run requests")
        parser.add_argument("--backlog", type=int, default=_env_int("BACKLOG", 32),
                            help="requests a worker accepts at once; more wait in the queue")
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which("granian")
        if not granian:
            self.stderr.write("granian is not installed; run `make install`.")
            sys.exit(1)
        command = granian_command(granian, host=options["host"], port=options["port"],
                                  workers=options["workers"], threads=options["threads"],
                                  backlog=options["backlog"])
        self.stdout.write(f"Daifuku is running on http://{options['host']}:{options['port']}/  (Ctrl+C to stop)")
        self.stdout.flush()
        os.execv(granian, command)
