"""``daifuku worker``: runs background tasks (imports, exports, reminders) and the periodic
schedule that other domains register in ``core.schedule``.

Three threads: the task loop (django-tasks' database worker), the schedule, and a
heartbeat that tells the pages waiting on a job that a worker is alive (``core.workers``).
A database that refuses or drops the connection (PostgreSQL restarting, full, or not up
yet at boot) does not end the worker: it waits and tries again, 1 s, 2 s, 4 s … up to
:data:`MOST_BACKOFF` seconds apart."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from daifuku.core import schedule, workers

logger = logging.getLogger("daifuku.worker")

FIRST_BACKOFF = 1.0
MOST_BACKOFF = 30.0
# a task loop that ran this long before failing was healthy: start the backoff over
HEALTHY_AFTER = 60.0
QUEUES = ["default", "imports", "mail"]


class Command(BaseCommand):
    help = "Run the background worker and the periodic schedule."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            default=None,
            help="queue name (repeatable); default: all",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="run due periodic jobs and queued tasks once, then exit",
        )

    def handle(self, *args, **options):
        queues = options["queues"] or QUEUES
        if options["once"]:
            schedule.run_due()
            call_command("db_worker", "--batch", "--queue-name", ",".join(queues))
            return
        DbWorkerCommand(stdout=self.stdout, stderr=self.stderr).configure_logging(
            options["verbosity"]
        )
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"
        tasks = Worker(
            queue_names=queues,
            interval=1,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        tasks.configure_signals()  # SIGTERM/SIGINT: finish the running task, then stop
        workers.starting(worker_id)  # the apps' start hooks (core.workers.at_start)
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=schedule.loop, args=(stop,), daemon=True, name="daifuku-schedule"
            ),
            threading.Thread(
                target=workers.beat_until,
                args=(stop, worker_id),
                daemon=True,
                name="daifuku-heartbeat",
            ),
        ]
        for thread in threads:
            thread.start()
        self.stdout.write(f"Daifuku worker {worker_id} is running (queues: {', '.join(queues)})")
        self.stdout.flush()
        try:
            run_with_retries(tasks)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=5)
            try:
                workers.stopped(worker_id)
            except (OperationalError, InterfaceError):
                pass  # the database is gone: the row goes silent and is forgotten


def run_with_retries(tasks: Worker, sleep=time.sleep) -> None:
    """Run the task loop until it stops (a signal); when the database refuses or drops the
    connection, wait and start it again, the waits doubling up to :data:`MOST_BACKOFF`."""
    delay = FIRST_BACKOFF
    while tasks.running:
        started = time.monotonic()
        try:
            tasks.run()
            return
        except (OperationalError, InterfaceError) as error:
            if time.monotonic() - started > HEALTHY_AFTER:
                delay = FIRST_BACKOFF
            logger.warning(
                "database unavailable (%s); the worker tries again in %.0f s",
                schedule.first_line(error),
                delay,
            )
            _drop_connections()
            sleep(delay)
            delay = min(delay * 2, MOST_BACKOFF)


def _drop_connections() -> None:
    """Forget this thread's broken connections: the next query opens new ones."""
    for wrapper in connections.all(initialized_only=True):
        try:
            wrapper.close()
        except Exception:
            wrapper.connection = None
