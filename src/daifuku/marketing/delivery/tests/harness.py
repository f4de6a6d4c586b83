"""What the delivery tests and benchmarks share: a campaign of N recipients laid down fast,
an SMTP server on loopback that counts Message-IDs (aiosmtpd, optionally refusing a share
of transactions with 421/454), Postfix's ``smtp-sink``, and a database that real
``daifuku worker`` processes share with the test (:class:`WorkerSite`)."""

from __future__ import annotations

import collections
import hashlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import daifuku

SRC = Path(daifuku.__file__).resolve().parent.parent
DOMAINS = ("docomo.ne.jp", "ezweb.ne.jp", "gmail.com", "yahoo.co.jp", "example.co.jp")
_MSGID = re.compile(rb"^Message-ID: (<[^>\r\n]+>)", re.M | re.I)

SUBJECT = "{{ family_name }}様へ 春の新作のご案内【大福商店】"
HTML = (
    "<html><body><p>{{ display_name }}</p><p>いつもご愛顧いただきありがとうございます。"
    "春の新作をご案内いたします。</p><p><a href='https://shop.example.jp/new'>新作を見る</a>"
    "</p></body></html>"
)
TEXT = "{{ display_name }}\n\nいつもご愛顧いただきありがとうございます。\n春の新作をご案内いたします。\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- data ---------------------------------------------------------------------------------
def make_campaign(
    recipients: int,
    *,
    people: int | None = None,
    name: str = "",
    subject: str = SUBJECT,
    html: str = HTML,
    text: str = TEXT,
    status: str = "sending",
    batch: int = 5000,
    advertising: bool = False,
) -> int:
    """A campaign being sent with ``recipients`` delivery rows (the first ``people`` of
    them, all by default, for people of the ledger created here); returns its id. Not
    advertising mail unless asked: the engine's tests are about sending, and the consent
    gate each batch passes would leave out recipients without an opt-in on record
    (``consent_gate``'s own tests and bench cover that)."""
    from django.db import transaction

    from daifuku.core import db
    from daifuku.customers.models import Person
    from daifuku.marketing.models import Campaign, Delivery, Segment
    from daifuku.marketing.services.audience import COLUMNS

    people = recipients if people is None else people
    label = name or f"配信テスト {secrets.token_hex(4)}"
    with transaction.atomic():
        segment = Segment.objects.create(name=label[:100])
        campaign = Campaign.objects.create(
            name=label, segment=segment, subject=subject, html=html, text=text, status=status,
            is_advertising=advertising,
        )  # fmt: skip
    family = ["田中", "佐藤", "鈴木", "高橋", "伊藤", "渡辺", "山本", "中村"]
    given = ["太郎", "花子", "一郎", "さくら", "健", "美咲"]
    for start in range(0, recipients, batch):
        count = min(batch, recipients - start)
        with_person = max(0, min(count, people - start))
        with transaction.atomic():
            made = Person.objects.bulk_create(
                [
                    Person(family_name=family[i % len(family)], given_name=given[i % len(given)])
                    for i in range(start, start + with_person)
                ]
            )
            ids = [p.pk for p in made] + [None] * (count - with_person)
            # plain tuples (COPY on PostgreSQL): a million rows in seconds, not minutes
            db.bulk_insert(
                Delivery._meta.db_table,
                COLUMNS,
                (
                    (campaign.pk, None, ids[i], f"c{campaign.pk}-r{start + i}@{domain}", domain,
                     secrets.token_urlsafe(16)[:22], "pending", 0, "", "", "")
                    for i in range(count)
                    for domain in [DOMAINS[(start + i) % len(DOMAINS)]]
                ),
            )  # fmt: skip
    return campaign.pk


def make_audience(people: int, *, batch: int = 50_000) -> int:
    """A fixed list (static segment) of ``people`` new people, each with one e-mail
    address and no consent row (fine for mail that is not advertising), written
    set-based (``core.db.bulk_insert`` with reserved ids: a million people in seconds);
    returns the segment's id. For the send path from 「配信開始」 on a large audience."""
    from django.db import connection, transaction
    from django.utils import timezone

    from daifuku.core import db
    from daifuku.customers.models import EmailAddress, Person
    from daifuku.marketing.models import Segment, StaticMember

    with transaction.atomic():
        segment = Segment.objects.create(name=f"配信リスト {secrets.token_hex(4)}", kind="static")
        model = Person(family_name="田中", given_name="太郎")
        model.save()
        fields = [f for f in Person._meta.concrete_fields if f.column != "id"]
        values = [f.get_db_prep_save(getattr(model, f.attname), connection) for f in fields]
        at = {f.column: n for n, f in enumerate(fields)}
    family = ["田中", "佐藤", "鈴木", "高橋", "伊藤", "渡辺", "山本", "中村"]
    given = ["太郎", "花子", "一郎", "さくら", "健", "美咲"]
    person_cols = ["id", *(f.column for f in fields)]
    now = timezone.now()
    for start in range(0, people, batch):
        count = min(batch, people - start)
        with transaction.atomic():
            first = db.next_ids(Person._meta.db_table, count)
            rows = []
            for i in range(count):
                row = list(values)
                row[at["family_name"]] = family[(start + i) % len(family)]
                row[at["given_name"]] = given[(start + i) % len(given)]
                rows.append((first + i, *row))
            db.bulk_insert(Person._meta.db_table, person_cols, rows)
            db.bulk_insert(
                EmailAddress._meta.db_table,
                ["person_id", "company_id", "address", "domain", "label", "is_primary"],
                (
                    (first + i, None, f"p{first + i}@{d}", d, "", True)
                    for i in range(count)
                    for d in [DOMAINS[(start + i) % len(DOMAINS)]]
                ),
            )
            db.bulk_insert(
                StaticMember._meta.db_table,
                ["segment_id", "person_id", "added_at", "added_by_id"],
                ((segment.pk, first + i, now, None) for i in range(count)),
            )
    return segment.pk


def no_limits(global_rate: int = 0) -> None:
    """Sender settings without rate limits (the benchmarks and fault tests measure the
    engine, not the configured speed), or with only ``global_rate`` (a kill test slows
    the campaign so its kills land while workers send)."""
    from daifuku.marketing.models import MailSettings

    MailSettings.objects.update_or_create(
        pk=MailSettings.SINGLETON_PK,
        defaults={
            "global_rate": global_rate,
            "per_domain_rate": 0,
            "from_email": "news@shop.example.jp",
            "sender_name": "大福商店",
        },
    )


# --- an SMTP server that counts ---------------------------------------------------------
class CountingHandler:
    """aiosmtpd handler: counts each accepted message by its Message-ID; refuses a seeded
    share of transactions with 421 (at RCPT) or 454 (after DATA)."""

    def __init__(self, refuse: float = 0.0, seed: int = 20, pipelining: bool = True) -> None:
        self.pipelining = pipelining
        self.refuse = refuse
        self.random = random.Random(seed)
        self.ids: collections.Counter[str] = collections.Counter()
        self.refused = 0
        self.messages: list[bytes] = []
        self.keep = False
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        """Offer PIPELINING as Postfix does (aiosmtpd reads pipelined commands in order)."""
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse and self.random.random() < self.refuse / 2:
            self.refused += 1
            return "421 4.7.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse and self.random.random() < self.refuse / 2:
            self.refused += 1
            return "454 4.7.1 temporarily refused"
        data = (
            envelope.content if isinstance(envelope.content, bytes) else envelope.original_content
        )
        found = _MSGID.search(data)
        with self.lock:
            self.ids[found.group(1).decode() if found else "?"] += 1
            if self.keep:
                self.messages.append(data)
        return "250 2.0.0 OK queued"

    def duplicates(self) -> dict[str, int]:
        return {k: v for k, v in self.ids.items() if v > 1}


class SmtpServer:
    """aiosmtpd on a loopback port in this process (a thread of its own)."""

    def __init__(self, handler) -> None:
        from aiosmtpd.controller import Controller

        self.handler = handler
        self.port = free_port()
        self.controller = Controller(
            handler,
            hostname="127.0.0.1",
            port=self.port,
            decode_data=False,
            data_size_limit=10 * 1024 * 1024,
        )

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """The root conftest's policy: skip with the reason, but fail under ``CI=true``."""
    import pytest

    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required here)")
    pytest.skip(reason)


def require_aiosmtpd() -> None:
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        skip_or_fail("aiosmtpd is not installed: it is the SMTP server of the delivery tests")


def require_sink() -> None:
    if not sink_available():
        skip_or_fail(f"{SMTP_SINK} is missing: install Debian's postfix package (smtp-sink)")


SMTP_SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"


class SmtpSink:
    """Postfix's ``smtp-sink`` on a loopback port: accepts everything as fast as it can
    (``-c``: it prints how many messages it took)."""

    def __init__(self, backlog: int = 256) -> None:
        self.port = free_port()
        self.backlog = backlog
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> SmtpSink:
        self.process = subprocess.Popen(
            [SMTP_SINK, "-u", _user(), f"127.0.0.1:{self.port}", str(self.backlog)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("smtp-sink did not start") from None
                time.sleep(0.05)

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _user() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name if os.getuid() != 0 else "nobody"


def sink_available() -> bool:
    return os.path.exists(SMTP_SINK)


# --- a database real worker processes share ----------------------------------------------
def _migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(SRC.glob("daifuku/*/migrations/*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _env(data_dir: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DAIFUKU_")
        and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        PYTHONPATH=str(SRC),
        DJANGO_SETTINGS_MODULE="daifuku.settings",
        DAIFUKU_DATA_DIR=str(data_dir),
    )
    if database_url:
        env["DAIFUKU_DATABASE_URL"] = database_url
    env.update(extra)
    return env


class WorkerSite:
    """The database of this test run as subprocesses see it — PostgreSQL's test database
    (the test must be ``transaction=True``), or, on SQLite, a migrated file in ``data_dir``
    (copied from a template migrated once per set of migrations) — and the environment of
    ``daifuku worker`` processes sending to ``smtp_port``."""

    def __init__(self, data_dir: Path, smtp_port: int, **settings: str) -> None:
        from django.db import connection

        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)  # the workers' working folder
        self.vendor = connection.vendor
        url = None
        if self.vendor == "postgresql":
            s = connection.settings_dict
            url = (
                f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
            )
        else:
            shutil.copy(self._template(), self.data_dir / "daifuku.sqlite3")
        self.env = _env(
            self.data_dir,
            url,
            DAIFUKU_EMAIL_HOST="127.0.0.1",
            DAIFUKU_EMAIL_PORT=str(smtp_port),
            # no look-ups of the From domain's SPF/DKIM/DMARC when a send starts: nothing
            # leaves the machine, and 「配信開始」 is timed
            DAIFUKU_DNS_PREFLIGHT="0",
            **settings,
        )
        self.workers: list[subprocess.Popen] = []

    def _template(self) -> Path:
        template_dir = Path(tempfile.gettempdir()) / f"daifuku-mail-db-{_migrations_digest()}"
        template = template_dir / "daifuku.sqlite3"
        if not template.exists():
            building = Path(tempfile.mkdtemp(prefix="daifuku-mail-db-"))
            done = subprocess.run(
                [sys.executable, "-m", "daifuku.cli", "migrate", "-v", "0"],
                env=_env(building, None),
                cwd=building,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, done.stderr
            template_dir.mkdir(exist_ok=True)
            os.replace(building / "daifuku.sqlite3", template)
        return template

    def script(self, code: str, *args: str, timeout: float = 300) -> str:
        """Run ``code`` (after ``django.setup()``) against the site; its stdout."""
        done = subprocess.run(
            [sys.executable, "-c", "import django\ndjango.setup()\n" + code, *args],
            env=self.env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def make_campaign(
        self, recipients: int, *, enqueue: bool = True, rate: int = 0, **options
    ) -> int:
        """A campaign being sent (:func:`make_campaign`), its job queued unless told not
        to; one subprocess for both (each costs a Django start). ``rate``: the global rate
        (0 = none)."""
        out = self.script(
            "import json, sys\n"
            "from daifuku.marketing.delivery.tests import harness\n"
            "from daifuku.marketing.jobs import send_campaign_task\n"
            "harness.no_limits(int(sys.argv[4]))\n"
            "campaign_id = harness.make_campaign(int(sys.argv[1]), **json.loads(sys.argv[2]))\n"
            "if sys.argv[3] == '1':\n"
            "    send_campaign_task.enqueue(campaign_id)\n"
            "print(campaign_id)\n",
            str(recipients),
            json.dumps(options),
            "1" if enqueue else "0",
            str(rate),
        )
        return int(out.split()[-1])

    def make_list_campaign(self, people: int) -> int:
        """A draft campaign (not advertising, no rate limits) to a new fixed list of
        ``people`` people with addresses (:func:`make_audience`); its id."""
        out = self.script(
            "import sys\n"
            "from daifuku.marketing.delivery.tests import harness\n"
            "from daifuku.marketing.models import Campaign\n"
            "harness.no_limits()\n"
            "segment_id = harness.make_audience(int(sys.argv[1]))\n"
            "campaign = Campaign.objects.create(name='大量配信', segment_id=segment_id,\n"
            "    subject=harness.SUBJECT, html=harness.HTML, text=harness.TEXT,\n"
            "    is_advertising=False)\n"
            "print(campaign.pk)\n",
            str(people),
            timeout=1800,
        )
        return int(out.split()[-1])

    def start_send(self, campaign_id: int) -> float:
        """Press 「配信開始」: ``services.campaigns.start_send`` (checks, the first chunk of
        delivery rows, the job queued); returns the time it was pressed."""
        out = self.script(
            "import sys, time\n"
            "from daifuku.marketing.models import Campaign\n"
            "from daifuku.marketing.services.campaigns import start_send\n"
            "campaign = Campaign.objects.get(pk=int(sys.argv[1]))\n"
            "pressed = time.time()\n"
            "start_send(campaign)\n"
            "print(pressed, time.time() - pressed)\n",
            str(campaign_id),
        )
        pressed, took = out.split()[-2:]
        self.start_send_s = float(took)
        return float(pressed)

    def all_rows_at_once(self, campaign_id: int) -> float:
        """The baseline of the first message: seconds to resolve the campaign's whole
        audience and write every delivery row before anything is sent (the path before
        chunks), for a copy of the campaign, rolled back."""
        out = self.script(
            "import sys, time\n"
            "from django.db import transaction\n"
            "from daifuku.marketing.models import Campaign\n"
            "from daifuku.marketing.services.audience import create_deliveries, resolve\n"
            "campaign = Campaign.objects.get(pk=int(sys.argv[1]))\n"
            "with transaction.atomic():\n"
            "    campaign.pk = None\n"
            "    campaign.status = 'sending'\n"
            "    campaign.save()\n"
            "    started = time.perf_counter()\n"
            "    create_deliveries(campaign, resolve(campaign).recipients)\n"
            "    took = time.perf_counter() - started\n"
            "    transaction.set_rollback(True)\n"
            "print(took)\n",
            str(campaign_id),
            timeout=1800,
        )
        return float(out.split()[-1])

    def enqueue(self, campaign_id: int) -> float:
        """Start sending a campaign made with ``status="scheduled"`` (so no worker's watch
        took it up before): it becomes ``sending`` and its job is queued; returns when."""
        out = self.script(
            "import sys, time\n"
            "from daifuku.marketing.jobs import send_campaign_task\n"
            "from daifuku.marketing.models import Campaign\n"
            "Campaign.objects.filter(pk=int(sys.argv[1])).update(status='sending')\n"
            "send_campaign_task.enqueue(int(sys.argv[1]))\n"
            "print(time.time())\n",
            str(campaign_id),
        )
        return float(out.split()[-1])

    def start_worker(self, log: Path) -> subprocess.Popen:
        with open(log, "ab") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "daifuku.cli", "worker", "--queue", "mail"],
                env=self.env,
                cwd=self.data_dir,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.workers.append(worker)
        return worker

    def stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(timeout=40)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    def rows(self, sql: str, params: list) -> list[tuple]:
        from django.db import connection

        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
        import sqlite3

        with sqlite3.connect(self.data_dir / "daifuku.sqlite3", timeout=30) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()

    def execute(self, sql: str, params: list) -> None:
        from django.db import connection

        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
            return
        import sqlite3

        with sqlite3.connect(self.data_dir / "daifuku.sqlite3", timeout=30) as db:
            db.execute(sql.replace("%s", "?"), params)

    def statuses(self, campaign_id: int) -> dict[str, int]:
        return dict(
            self.rows(
                "SELECT status, COUNT(*) FROM marketing_delivery WHERE campaign_id = %s GROUP BY status",
                [campaign_id],
            )
        )

    def wait_until(self, predicate, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while not (found := predicate()):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.2)
        return found


def sending_pids(site: WorkerSite) -> set[int]:
    """The processes holding claimed deliveries now (a claim names ``host-pid-random``)."""
    rows = site.rows(
        "SELECT DISTINCT claimed_by FROM marketing_delivery WHERE status = 'sending'", []
    )
    return {int(who.rsplit("-", 2)[1]) for (who,) in rows if who.count("-") >= 2}


def finished(site: WorkerSite, campaign_id: int) -> dict[str, int] | None:
    """The campaign's counts by status once nothing is pending, being sent or waiting."""
    counts = site.statuses(campaign_id)
    active = sum(counts.get(s, 0) for s in ("pending", "sending", "deferred"))
    return counts if not active else None


def kill_rounds(
    site: WorkerSite,
    handler: CountingHandler,
    campaign_id: int,
    recipients: int,
    kills: int,
    *,
    seed: int,
    logs: Path,
    already: int = 0,
) -> int:
    """``kill -9`` a worker ``kills`` times at seeded points of the campaign's progress
    (messages at the server), each time one that holds a claimed batch while another
    sends on, and start a new worker after each; returns how many were killed.
    ``already``: messages the server had before this campaign began."""
    chance = random.Random(seed)
    workers = {w.pid: w for w in site.workers if w.poll() is None}
    points = sorted(int(recipients * chance.uniform(0.05, 0.8)) for _ in range(kills))
    killed = 0
    for point in points:
        site.wait_until(
            lambda p=point: len(handler.ids) - already >= p or finished(site, campaign_id),
            600,
            "progress",
        )
        victim = None
        while victim is None and finished(site, campaign_id) is None:
            sending = sorted(pid for pid in sending_pids(site) if pid in workers)
            if len(sending) >= 2:
                victim = workers.pop(chance.choice(sending))
            time.sleep(0.02)
        if victim is None:
            break
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        killed += 1
        worker = site.start_worker(logs / f"worker-after-kill-{killed}.log")
        workers[worker.pid] = worker
    return killed
