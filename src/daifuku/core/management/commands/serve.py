"""``daifuku serve``: the production web server (granian, ASGI; see docs/adr/0002-web-server.md).

Static files are served by WhiteNoise from the same process, so one command is enough for
a small office; put a TLS proxy in front for production."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the production web server (granian)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("DAIFUKU_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("DAIFUKU_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("DAIFUKU_WORKERS", "1")))
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which("granian")
        if not granian:
            self.stderr.write("granian is not installed; run `make install`.")
            sys.exit(1)
        command = [
            granian, "--interface", "asgi", "daifuku.asgi:application",
            "--host", options["host"], "--port", str(options["port"]),
            "--workers", str(options["workers"]), "--no-ws", "--log-level", "warning",
        ]
        self.stdout.write(f"Daifuku is running on http://{options['host']}:{options['port']}/  (Ctrl+C to stop)")
        self.stdout.flush()
        os.execv(granian, command)
