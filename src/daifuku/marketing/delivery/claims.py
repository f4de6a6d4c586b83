"""Who is sending which delivery: claims, and what becomes of a claim whose worker died.

A worker claims a batch of due deliveries (``pending``, or ``deferred`` whose
``next_attempt_at`` has come) in one short transaction: the rows become ``sending`` with
the worker's id and the time. On PostgreSQL the rows are read ``FOR UPDATE SKIP LOCKED``,
so several workers claim disjoint batches of one campaign at the same moment; on SQLite
the transaction takes the single write lock at BEGIN (``IMMEDIATE``), which serialises the
claims. No row is ever claimed twice: a claimed row is no longer due.

A worker killed mid-batch (``kill -9``, a machine that lost power) leaves its claimed rows
``sending``. Some of them may have reached the SMTP server, so none may be sent again:
:func:`recover_stale_claims` turns them into ``unknown`` — reported on the campaign,
never resent — once their worker is known to be gone: its process no longer exists on
this machine, or its heartbeat (``core.WorkerHeartbeat``) has been silent for
:data:`daifuku.core.workers.SILENT_AFTER` seconds, or the claim is older than
:data:`CLAIM_MAX_AGE` whoever holds it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import get_random_string

from daifuku.core.models_schedule import WorkerHeartbeat
from daifuku.core.workers import SILENT_AFTER

from ..models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

# no batch takes this long: a claim this old has lost its worker, whoever it was
CLAIM_MAX_AGE = dt.timedelta(hours=1)
# a claimer with no heartbeat row on another machine (a web process running jobs at once)
# is given this long before its claim counts as abandoned
FOREIGN_GRACE = dt.timedelta(minutes=10)

_HOST = socket.gethostname()[:40]
_worker_id = ""


def remember_worker(worker_id: str) -> None:
    """Called when ``daifuku worker`` starts: its claims carry its heartbeat's id."""
    global _worker_id
    _worker_id = worker_id


def current_worker() -> str:
    """This process's claim name: the worker's id, or ``host-pid-random`` elsewhere (the
    same shape, so a claim names the machine and process that made it)."""
    global _worker_id
    if not _worker_id or not _worker_id.startswith(f"{_HOST}-{os.getpid()}-"):
        _worker_id = f"{_HOST}-{os.getpid()}-{get_random_string(8)}"
    return _worker_id


def due(now: dt.datetime) -> Q:
    return Q(status=DeliveryStatus.PENDING) | Q(
        status=DeliveryStatus.DEFERRED, next_attempt_at__lte=now
    )


def claim_batch(campaign_id: int, worker_id: str, size: int) -> list[int]:
    """Claim up to ``size`` due deliveries of the campaign for ``worker_id``; their ids."""
    now = timezone.now()
    with transaction.atomic():
        # two index ranges, (campaign, status, id) each, instead of one OR: the OR made
        # both databases walk the campaign's rows from its first id past every row already
        # sent, so each claim cost more than the last (quadratic over a 100,000 campaign)
        rows = Delivery.objects.select_for_update(skip_locked=True).filter(campaign_id=campaign_id)
        pending = rows.filter(status=DeliveryStatus.PENDING).order_by("id")
        retries = rows.filter(status=DeliveryStatus.DEFERRED, next_attempt_at__lte=now)
        ids = sorted(
            [
                *pending.values_list("id", flat=True)[:size],
                *retries.order_by("id").values_list("id", flat=True)[:size],
            ]
        )[:size]
        if ids:
            Delivery.objects.filter(due(now), id__in=ids).update(
                status=DeliveryStatus.SENDING, claimed_by=worker_id, claimed_at=now
            )
    return ids


def release(ids: Iterable[int], worker_id: str) -> int:
    """Give back claimed rows this worker never tried (a cancelled campaign, a stop)."""
    return Delivery.objects.filter(
        id__in=list(ids), status=DeliveryStatus.SENDING, claimed_by=worker_id
    ).update(status=DeliveryStatus.PENDING, claimed_by="", claimed_at=None)


def host() -> str:
    """This machine's name as claims and heartbeats carry it (its first 40 characters)."""
    return _HOST


# --- claims of workers that are gone -----------------------------------------------------
def process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine runs (a zombie does not)."""
    return _process_alive(pid)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child its parent has not reaped yet still answers kill(0)
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _host_and_pid(claimer: str) -> tuple[str, int | None]:
    host, _, rest = claimer.rpartition("-")
    host, _, pid = host.rpartition("-")
    return host, int(pid) if pid.isdigit() else None


def gone(claimers: Iterable[str], now: dt.datetime) -> set[str]:
    """The claimers among ``claimers`` whose worker is no longer running."""
    claimers = set(claimers)
    beats = {b.worker_id: b for b in WorkerHeartbeat.objects.filter(worker_id__in=list(claimers))}
    silent = now - dt.timedelta(seconds=SILENT_AFTER)
    out: set[str] = set()
    for claimer in claimers:
        beat = beats.get(claimer)
        host, pid = (beat.hostname[:40], beat.pid) if beat else _host_and_pid(claimer)
        if host == _HOST and pid is not None and pid != os.getpid():
            if not _process_alive(pid) or (beat is not None and beat.seen_at < silent):
                out.add(claimer)
        elif beat is not None and beat.seen_at < silent:
            out.add(claimer)
    return out


def recover(campaign_id: int | None = None, now: dt.datetime | None = None) -> dict[int, int]:
    """Turn the ``sending`` rows of workers that are gone into ``unknown`` (never resent);
    how many per campaign. Run when a worker starts, by the schedule, and before each run
    of the engine over a campaign."""
    now = now or timezone.now()
    sending = Delivery.objects.filter(status=DeliveryStatus.SENDING)
    if campaign_id is not None:
        sending = sending.filter(campaign_id=campaign_id)
    claimers = set(sending.values_list("claimed_by", flat=True).distinct())
    if not claimers:
        return {}
    dead = gone(claimers, now)
    beating = set(
        WorkerHeartbeat.objects.filter(worker_id__in=list(claimers)).values_list(
            "worker_id", flat=True
        )
    )
    foreign = {c for c in claimers - dead - beating if _host_and_pid(c)[0] != _HOST}
    stale = sending.filter(
        Q(claimed_by__in=list(dead))
        | Q(claimed_by__in=list(foreign), claimed_at__lt=now - FOREIGN_GRACE)
        | Q(claimed_at__lt=now - CLAIM_MAX_AGE)
    )
    found: dict[int, int] = {}
    with transaction.atomic():
        for row in stale.values("campaign_id").annotate(n=Count("id")).order_by():
            found[row["campaign_id"]] = row["n"]
        if found:
            stale.update(
                status=DeliveryStatus.UNKNOWN,
                response="unknown: the worker stopped while this mail was being sent; not resent",
            )
    if found:
        logger.warning(
            "%s deliveries of stopped workers marked unknown (never resent)", sum(found.values())
        )
    return found


def recover_stale_claims(campaign_id: int | None = None, now: dt.datetime | None = None) -> int:
    """:func:`recover`, counted."""
    return sum(recover(campaign_id, now).values())
