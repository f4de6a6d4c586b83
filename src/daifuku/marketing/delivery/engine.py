"""The delivery engine: send a campaign's due deliveries, batch by batch, exactly once.

One run (:func:`send_pending`) over a campaign: claim a batch (:mod:`.claims`), read the
batch's recipients' merge fields at once, and for each delivery — in the order the rates
allow (:mod:`.throttle`) — render, run the compose hooks, encode (:mod:`.mime`), run the
bytes hooks (DKIM) and send over the worker's persistent SMTP connection (:mod:`.smtp`).
What the server answered is written back in batches:

* accepted → ``sent`` (``sent_at``, ``message_id``, the server's answer);
* 4xx (421, 450, 454 …) or no connection → ``deferred`` with ``next_attempt_at`` after an
  exponential backoff (``DAIFUKU_MAIL_RETRY_SECONDS`` × 2ⁿ, at most six hours), ``failed``
  after ``DAIFUKU_MAIL_MAX_ATTEMPTS`` attempts;
* 5xx → ``failed``;
* the connection broke after the message was handed over → ``unknown`` (never resent).

A run ends when nothing is due or after ``time_budget`` seconds (the job queues itself
again, so a long campaign does not hold a worker for an hour and a stopping worker
finishes quickly). Each batch is checked just before sending (``consent_gate``: the
suppression list, e-mail consent and the campaign's topic): someone who unsubscribed while
the campaign was going out gets nothing more.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from ..mailing import hooks
from ..models import Campaign, CampaignStatus, Delivery, DeliveryStatus, MailSettings
from ..services import audience
from ..services.consent_gate import still_allowed
from . import claims, smtp
from .mime import message_id
from .rendering import CampaignRenderer
from .throttle import Throttle, interleave
from .watch import SENDABLE

logger = logging.getLogger(__name__)

MOST_DELAY = dt.timedelta(hours=6)
RECOVER_EVERY = 2.0
ACTIVE = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.DEFERRED)
FIELDS = ["status", "attempts", "next_attempt_at", "sent_at", "message_id", "response"]


def knob(name: str, default: float) -> float:
    return float(getattr(settings, f"DAIFUKU_MAIL_{name}", default))


@dataclass
class RunReport:
    """What one run of the engine did (the job's return value, the tests' and benches')."""

    sent: int = 0
    deferred: int = 0
    failed: int = 0
    unknown: int = 0
    recovered: int = 0
    more: bool = False  # stopped by the time budget with deliveries still due
    next_due: dt.datetime | None = None  # the earliest deferred retry still waiting
    finished: bool = False  # nothing left to send: the campaign is done
    connections: int = 0

    def add(self, kind: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)


def backoff(attempts: int) -> dt.timedelta:
    base = knob("RETRY_SECONDS", 60)
    return min(MOST_DELAY, dt.timedelta(seconds=base * 2 ** max(0, attempts - 1)))


def session_from_settings() -> smtp.Session:
    return smtp.Session(
        settings.EMAIL_HOST,
        int(settings.EMAIL_PORT),
        user=settings.EMAIL_HOST_USER or "",
        password=settings.EMAIL_HOST_PASSWORD or "",
        use_tls=bool(settings.EMAIL_USE_TLS),
    )


def live_workers() -> int:
    from daifuku.core.models_schedule import WorkerHeartbeat
    from daifuku.core.workers import SILENT_AFTER

    since = timezone.now() - dt.timedelta(seconds=SILENT_AFTER)
    beats = WorkerHeartbeat.objects.filter(seen_at__gte=since).values_list("hostname", "pid")
    # a worker of this machine whose process is gone is not sharing the rate, though its
    # heartbeat is not silent yet (a killed worker used to divide the rate until then)
    here = claims.host()
    alive = [1 for host, pid in beats if host[:40] != here or claims.process_alive(pid)]
    return max(1, len(alive))


def throttle_for_share() -> Throttle:
    """This worker's share of the configured rates (0 = no limit)."""
    row = MailSettings.objects.filter(pk=MailSettings.SINGLETON_PK).first()
    global_rate = row.global_rate if row else 200
    per_domain = row.per_domain_rate if row else 50
    share = live_workers()
    return Throttle(global_rate / share, per_domain / share)


def apply(delivery: Delivery, outcome: smtp.Outcome, now: dt.datetime) -> str:
    """Set the row's fields for ``outcome``; returns the status it got."""
    delivery.response = outcome.response
    if outcome.kind == smtp.SENT:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.attempts += 1
        delivery.next_attempt_at = None
    elif outcome.kind == smtp.UNKNOWN:
        delivery.status = DeliveryStatus.UNKNOWN
        delivery.attempts += 1
    elif outcome.kind == smtp.FAILED:
        delivery.status = DeliveryStatus.FAILED
        delivery.attempts += 1
    else:  # deferred, or not sent for want of a connection
        delivery.attempts += 1
        if delivery.attempts >= int(knob("MAX_ATTEMPTS", 8)):
            delivery.status = DeliveryStatus.FAILED
            delivery.response = f"gave up after {delivery.attempts} attempts: {outcome.response}"[
                :500
            ]
        else:
            delivery.status = DeliveryStatus.DEFERRED
            delivery.next_attempt_at = now + backoff(delivery.attempts)
    return str(delivery.status)


def write(rows: list[Delivery]) -> None:
    """Write the outcomes of ``rows`` in one prepared statement run for each row
    (``executemany``: ≈ 10 µs a row, where ``bulk_update``'s CASE expressions cost ≈ 0.5 ms
    a row in the ORM); portable SQL, the same on SQLite and PostgreSQL."""
    if not rows:
        return
    ops = connection.ops
    table = ops.quote_name(Delivery._meta.db_table)
    columns = ", ".join(f"{ops.quote_name(name)} = %s" for name in FIELDS)
    stamp = ops.adapt_datetimefield_value
    params = [
        (
            row.status,
            row.attempts,
            stamp(row.next_attempt_at),
            stamp(row.sent_at),
            row.message_id,
            row.response,
            row.pk,
        )
        for row in rows
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {columns} WHERE id = %s", params)
    rows.clear()


def send_pending(
    campaign_id: int,
    *,
    worker_id: str | None = None,
    batch_size: int | None = None,
    time_budget: float | None = None,
    session: smtp.Session | None = None,
    on_recovered: Callable[[int], object] | None = None,
) -> RunReport:
    """Send the campaign's due deliveries (see the module); what was done. Every
    :data:`RECOVER_EVERY` seconds the claims of workers that died sending this campaign
    are turned ``unknown``, and ``on_recovered(count)`` told (the job queues a successor
    to the dead worker's lost job)."""
    worker_id = worker_id or claims.current_worker()
    report = RunReport()

    def recover() -> None:
        found = claims.recover_stale_claims(campaign_id)
        if found:
            report.recovered += found
            if on_recovered is not None:
                on_recovered(found)

    recover()
    campaign = Campaign.objects.select_related("template", "persona").filter(pk=campaign_id).first()
    if campaign is None or campaign.status not in SENDABLE:
        return report  # a draft, a scheduled send not yet due, a cancelled campaign
    size = int(batch_size or knob("BATCH", 100))
    flush_every = max(1, int(knob("FLUSH", 50)))
    started = recovered_at = time.monotonic()
    renderer = CampaignRenderer(campaign)
    throttle = throttle_for_share()
    own_session = session is None
    session = session or session_from_settings()
    try:
        while True:
            if time_budget is not None and time.monotonic() - started > time_budget:
                report.more = Delivery.objects.filter(
                    claims.due(timezone.now()), campaign_id=campaign_id
                ).exists()
                break
            if not Campaign.objects.filter(pk=campaign_id, status__in=SENDABLE).exists():
                break  # cancelled while being sent: the rest stays pending
            if time.monotonic() - recovered_at > RECOVER_EVERY:
                recovered_at = time.monotonic()
                recover()
            ids = claims.claim_batch(campaign_id, worker_id, size)
            if not ids:
                # a large audience still being written: write its next chunk here rather
                # than stop (another worker may be writing it: extend waits its turn)
                if audience.still_writing(campaign_id):
                    audience.extend(campaign_id, chunks=1)
                    continue
                break
            _send_batch(ids, worker_id, renderer, throttle, session, report, flush_every)
    finally:
        report.connections = session.connections_opened
        if own_session:
            session.close()
    _after_run(campaign_id, report)
    return report


def _send_batch(
    ids: list[int],
    worker_id: str,
    renderer: CampaignRenderer,
    throttle: Throttle,
    session: smtp.Session,
    report: RunReport,
    flush_every: int,
) -> None:
    rows = list(
        Delivery.objects.filter(id__in=ids, status=DeliveryStatus.SENDING, claimed_by=worker_id)
        .only(
            "id", "campaign_id", "variant_id", "person_id", "email", "domain", "token", "attempts"
        )
        .order_by("id")
    )
    done: list[Delivery] = []
    untried = {row.pk for row in rows}
    try:
        now = timezone.now()
        # refusals honoured at once: suppressed, opted out or topic refused since the
        # rows were made (docs/mail-law.md)
        allowed = still_allowed(row.pk for row in rows)
        contexts = renderer.contexts(rows)
        for row in rows:
            if row.pk not in allowed:
                untried.discard(row.pk)
                row.status = DeliveryStatus.FAILED
                row.response = "left out before sending: suppressed, opted out or topic refused"
                done.append(row)
                report.failed += 1
        sendable = [row for row in rows if row.pk in untried]
        ready = (
            _compose(row, contexts.get(row.person_id or 0, {}), renderer)
            for row in interleave(sendable, lambda r: r.domain, throttle)
        )
        current = next(ready, None)
        while current is not None:
            following = next(ready, None)  # composed ahead: its envelope rides along
            now = timezone.now()
            outcome = current.send(session, following)
            if outcome.kind == smtp.NOT_SENT:  # once more, on a fresh connection
                outcome = current.send(session, None)
            row = current.row
            untried.discard(row.pk)
            report.add(apply(row, outcome, now))
            done.append(row)
            if len(done) >= flush_every:
                write(done)
            if outcome.kind == smtp.NOT_SENT:  # the server cannot be reached: retry later
                down = smtp.Outcome(smtp.NOT_SENT, 0, "no connection to the SMTP server")
                for row in [following.row] if following else []:
                    untried.discard(row.pk)
                    report.add(apply(row, down, now))
                    done.append(row)
                for row in [r for r in sendable if r.pk in untried]:
                    untried.discard(row.pk)
                    report.add(apply(row, down, now))
                    done.append(row)
                break
            current = following
    finally:
        write(done)
        if untried:  # an error stopped the batch: what was not tried goes back
            claims.release(untried, worker_id)


@dataclass
class _Ready:
    """One delivery composed and encoded, or the reason it could not be."""

    row: Delivery
    sender: str = ""
    recipient: str = ""
    data: bytes = b""
    failure: smtp.Outcome | None = None

    def send(self, session: smtp.Session, following: _Ready | None) -> smtp.Outcome:
        if self.failure is not None:
            return self.failure
        then = (
            (following.sender, following.recipient)
            if following is not None and following.failure is None
            else None
        )
        return session.send(self.sender, self.recipient, self.data, then=then)


def _compose(row: Delivery, context: dict, renderer: CampaignRenderer) -> _Ready:
    try:
        mail = renderer.outgoing(row, context)
        msgid = message_id(row.token, mail.from_email)
        row.message_id = msgid
        data = hooks.finish_bytes(renderer.shape.encode(mail, msgid=msgid, now=time.time()), mail)
    except Exception as error:  # a template or hook that cannot make this mail
        logger.exception("delivery %s could not be composed", row.pk)
        failure = smtp.Outcome(smtp.FAILED, 0, f"could not be composed: {error}"[:500])
        return _Ready(row, failure=failure)
    return _Ready(row, mail.envelope_from or mail.from_email, mail.email, data)


def _after_run(campaign_id: int, report: RunReport) -> None:
    """The campaign is finished when nothing is pending, being sent or waiting to be
    retried; otherwise note when the next retry is due."""
    active = Delivery.objects.filter(campaign_id=campaign_id, status__in=ACTIVE)
    if report.more:
        return
    if audience.still_writing(campaign_id):  # stopped (cancelled) while rows were written
        return
    if not active.exists():
        report.finished = True
        Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING).update(
            status=CampaignStatus.SENT, finished_at=timezone.now()
        )
        return
    report.next_due = active.filter(status=DeliveryStatus.DEFERRED).aggregate(
        at=Min("next_attempt_at")
    )["at"]


def status_counts(campaign_id: int) -> dict[str, int]:
    """How many of the campaign's deliveries are in each status (``unknown`` included:
    the mails a stopped worker may or may not have handed over)."""
    from django.db.models import Count

    counts = {status: 0 for status in DeliveryStatus.values}
    for row in (
        Delivery.objects.filter(campaign_id=campaign_id)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[row["status"]] = row["n"]
    return counts
