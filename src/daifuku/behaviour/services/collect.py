"""Accepting the snippet's batches and moving them into events (batched writes).

The write path of ``POST /behaviour/collect``:

1. the request's batch (≤ 50 events) is checked and stored as **one** ``InboxBatch`` row —
   one INSERT per request, committed before the answer, so an accepted event survives a
   crash or restart;
2. :func:`maybe_flush` moves the inbox into ``Event`` rows with one bulk INSERT when 500
   events are waiting in this process or a second has passed since the last flush; the
   scheduled job ``behaviour.flush`` (every 30 s) moves whatever a quiet or restarted
   process left behind;
3. a flush deletes the inbox rows it read in the same transaction and checks it deleted all
   of them (two flushers never move a row twice); events carry the browser's id, unique,
   so a batch the browser sent again after a lost answer is stored once."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
import time
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core.errors import DomainError

from ..models import Event, EventKind, InboxBatch, VisitorLink

logger = logging.getLogger(__name__)

MAX_EVENTS = 50
MAX_BODY = 64 * 1024
FLUSH_EVENTS = 500
FLUSH_SECONDS = 1.0
ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
KINDS = set(EventKind.values)


class CollectRefused(DomainError):
    status = 400


def _text(value, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _int(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if abs(value) < 10**13 else None


def _clean_event(raw: Any, now: dt.datetime) -> dict | None:
    """One event as stored, or None when it cannot be kept (unknown kind, no id)."""
    if not isinstance(raw, dict):
        return None
    kind, event_id = raw.get("type"), raw.get("id")
    if kind not in KINDS or not isinstance(event_id, str) or not ID.match(event_id):
        return None
    try:
        when = dt.datetime.fromisoformat(str(raw.get("ts")).replace("Z", "+00:00"))
        if timezone.is_naive(when):
            raise ValueError
        # a browser clock far off is not believed: the time we received it instead
        if abs((when - now).total_seconds()) > 86_400:
            when = now
    except ValueError:
        when = now
    return {
        "event_id": event_id,
        "kind": kind,
        "occurred_at": when.isoformat(),
        "url": _text(raw.get("url"), 500),
        "referrer": _text(raw.get("ref"), 500),
        "sku": _text(raw.get("sku"), 64),
        "query": _text(raw.get("q"), 200),
        "quantity": _int(raw.get("qty")),
        "value": _int(raw.get("value")),
    }


def accept_batch(body: bytes) -> int:
    """Store one request's batch in the inbox; returns the number of events kept."""
    if len(body) > MAX_BODY:
        raise CollectRefused(_("The batch is too large."), code="invalid_body", status=413)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise CollectRefused(_("The body is not JSON."), code="invalid_body") from None
    if not isinstance(data, dict):
        raise CollectRefused(_("The body is a JSON object."), code="invalid_body")
    visitor = data.get("visitor")
    if not isinstance(visitor, str) or not ID.match(visitor):
        raise CollectRefused(_("A visitor id is required."), code="invalid_visitor")
    raw_events = data.get("events")
    if not isinstance(raw_events, list) or len(raw_events) > MAX_EVENTS:
        raise CollectRefused(
            _("Send between 1 and %(n)d events per request.") % {"n": MAX_EVENTS},
            code="invalid_body",
        )
    now = timezone.now()
    events = [e for e in (_clean_event(r, now) for r in raw_events) if e is not None]
    if events:
        InboxBatch.objects.create(
            received_at=now, visitor_id=visitor, events=events, size=len(events)
        )
        _pending.add(len(events))
    return len(events)


class _Pending:
    """Events this process put in the inbox since its last flush (a hint, not a ledger:
    the inbox table is the truth)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.last = time.monotonic()

    def add(self, n: int) -> None:
        with self.lock:
            self.count += n

    def due(self) -> bool:
        with self.lock:
            if self.count and (
                self.count >= FLUSH_EVENTS or time.monotonic() - self.last >= FLUSH_SECONDS
            ):
                self.count = 0
                self.last = time.monotonic()
                return True
            return False


_pending = _Pending()


def maybe_flush() -> int:
    """Flush when due. The request's own batch is committed already: a flush that cannot
    get the database now (SQLite busy with another writer) leaves the inbox to the next
    one instead of failing the request."""
    if not _pending.due():
        return 0
    try:
        return flush()
    except OperationalError as error:
        logger.warning("behaviour: inbox flush postponed (%s)", error)
        return 0


def flush(limit: int = 200) -> int:
    """Move up to ``limit`` inbox batches into events; returns the events written."""
    moved = 0
    while True:
        n, batches = _flush_once(limit)
        moved += n
        if batches < limit:
            return moved


def _flush_once(limit: int) -> tuple[int, int]:
    with transaction.atomic():
        rows = InboxBatch.objects.order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        batches = list(rows.values_list("id", "visitor_id", "events")[:limit])
        if not batches:
            return 0, 0
        ids = [b[0] for b in batches]
        deleted = InboxBatch.objects.filter(pk__in=ids).delete()[0]
        if deleted != len(ids):  # another flusher took some: leave them all to it
            transaction.set_rollback(True)
            return 0, 0
        visitors = {b[1] for b in batches}
        people = dict(
            VisitorLink.objects.filter(visitor_id__in=visitors).values_list(
                "visitor_id", "person_id"
            )
        )
        rows_out = [
            Event(
                visitor_id=visitor,
                person_id=people.get(visitor),
                event_id=e["event_id"],
                kind=e["kind"],
                occurred_at=dt.datetime.fromisoformat(e["occurred_at"]),
                url=e["url"],
                referrer=e["referrer"],
                sku=e["sku"],
                query=e["query"],
                quantity=e["quantity"],
                value=e["value"],
            )
            for _id, visitor, events in batches
            for e in events
        ]
        # a batch the browser sent twice carries the same event ids: stored once
        Event.objects.bulk_create(rows_out, batch_size=1000, ignore_conflicts=True)
        return len(rows_out), len(batches)
