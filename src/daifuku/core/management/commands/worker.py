"""``daifuku worker``: runs background tasks (imports, exports, reminders) and the periodic
schedule that other domains register in ``core.schedule``."""

from __future__ import annotations

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from daifuku.core import schedule


class Command(BaseCommand):
    help = "Run the background worker and the periodic schedule."

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="append", dest="queues", default=None,
                            help="queue name (repeatable); default: all")
        parser.add_argument("--once", action="store_true", help="run due periodic jobs and queued tasks once, then exit")

    def handle(self, *args, **options):
        queues = options["queues"] or ["default", "imports", "mail"]
        if options["once"]:
            schedule.run_due()
            call_command("db_worker", "--batch", "--queue-name", ",".join(queues))
            return
        stop = threading.Event()
        thread = threading.Thread(target=schedule.loop, args=(stop,), daemon=True, name="daifuku-schedule")
        thread.start()
        try:
            call_command("db_worker", "--queue-name", ",".join(queues))
        finally:
            stop.set()
