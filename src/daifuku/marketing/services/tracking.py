"""Recording what recipients did with a mail: opens of the pixel and clicks on links.

The write path of ``GET /m/o/<token>.gif`` and ``GET /m/c/…``:

1. the request writes **one** ``TrackingHit`` row (autocommit, before the answer): an open
   or click answered is never lost, whatever happens to the process next;
2. :func:`maybe_flush` moves the inbox into mail events when ``DAIFUKU_TRACKING_FLUSH_HITS``
   hits are waiting in this process or a second has passed since its last flush; the
   scheduled job ``marketing.tracking_flush`` (every 30 s) moves what a quiet or restarted
   process left behind;
3. :func:`flush` reads a batch of hits, deletes them in the same transaction (two flushers
   never move a hit twice), locks the deliveries they name and writes, set-based:

   * a person's **first open** of a delivery → ``MailEvent(open)`` and ``opened_at`` (later
     opens are not recorded again);
   * a privacy proxy's or scanner's fetch (``tracking.machine``) → ``MailEvent(machine_open)``
     once per delivery, counted apart, ``opened_at`` untouched;
   * **every click** → ``MailEvent(click, url)``; the first sets ``clicked_at``; a click on
     a delivery nobody opened yet is also its open (the images were blocked, the person
     read it);
   * hits of a token no delivery has are dropped.

After commit it emits ``mail.opened`` (a delivery's first open) and ``mail.clicked`` (once
per delivery and batch), which keep segment memberships current (``marketing.reactions``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from daifuku.core.events import emit

from ..models import Delivery, HitKind, MailEvent, MailEventKind, TrackingHit
from ..tracking.machine import is_machine_open

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
BATCH = 1000


def flush_threshold() -> int:
    return max(1, int(getattr(settings, "DAIFUKU_TRACKING_FLUSH_HITS", 200)))


def record_hit(*, kind: str, token: str, url: str = "", user_agent: str = "", ip: str = "") -> None:
    """Put one open or click into the inbox (committed at once), then flush when due.
    ``url`` is a click's verified address. A hit needs no account: it is the recipient's."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(), [kind, token[:32], url[:2000], now, user_agent[:300], ip[:45]]
        )
    _pending.add(1)
    maybe_flush()


_INSERT: list[str] = []


def _insert_sql() -> str:
    """The inbox's INSERT, written once: a hit is the hottest write of the install, and the
    ORM's ``create`` (model instance, signals, SQL compiled per call) was half its cost."""
    if not _INSERT:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in ("kind", "token", "url", "at", "user_agent", "ip"))
        table = quote(TrackingHit._meta.db_table)
        _INSERT.append(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)")
    return _INSERT[0]


class _Pending:
    """Hits this process put in the inbox since its last flush (a hint, not a ledger: the
    inbox table is the truth)."""

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
                self.count >= flush_threshold() or time.monotonic() - self.last >= FLUSH_SECONDS
            ):
                self.count = 0
                self.last = time.monotonic()
                return True
            return False


_pending = _Pending()


def maybe_flush() -> int:
    """Flush when due. The request's own hit is committed already: a flush that fails now
    (SQLite busy with another writer, a PostgreSQL deadlock with the sending engine) is
    rolled back and leaves the inbox to the next one — the click is still answered."""
    if not _pending.due():
        return 0
    try:
        return flush()
    except DatabaseError as error:
        logger.warning("marketing: tracking flush postponed (%s)", error)
        return 0


def flush(limit: int = BATCH) -> int:
    """Move every waiting hit into mail events, ``limit`` at a time; returns the hits read."""
    moved = 0
    while True:
        n = _flush_once(limit)
        moved += n
        if n < limit:
            return moved


def _flush_once(limit: int) -> int:
    with transaction.atomic():
        rows = TrackingHit.objects.order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        hits = list(
            rows.values_list("id", "kind", "token", "url", "at", "user_agent", "ip")[:limit]
        )
        if not hits:
            return 0
        ids = [hit[0] for hit in hits]
        if TrackingHit.objects.filter(pk__in=ids).delete()[0] != len(ids):
            transaction.set_rollback(True)  # another flusher took some: leave them all to it
            return 0
        _apply(hits)
        return len(hits)


def _apply(hits: list[tuple]) -> None:
    tokens = {hit[2] for hit in hits}
    # locked in id order, so that two flushers wait for each other instead of both
    # recording a delivery's "first" open
    found = (
        Delivery.objects.filter(token__in=tokens)
        .select_for_update()
        .order_by("pk")
        .values("pk", "token", "campaign_id", "person_id", "sent_at", "opened_at", "clicked_at")
    )
    deliveries: dict[str, dict[str, Any]] = {row["token"]: dict(row) for row in found}
    if not deliveries:
        return
    ids = [row["pk"] for row in deliveries.values()]
    machine_seen = set(
        MailEvent.objects.filter(delivery_id__in=ids, kind=MailEventKind.MACHINE_OPEN).values_list(
            "delivery_id", flat=True
        )
    )
    events: list[tuple] = []
    opened: dict[int, dt.datetime] = {}
    clicked: dict[int, dt.datetime] = {}
    first_click: dict[int, tuple[str, dt.datetime]] = {}

    def event(row: dict, kind: str, at: dt.datetime, *, url: str = "", detail: dict) -> None:
        events.append((row["pk"], row["campaign_id"], row["person_id"], kind, at, url, detail))

    def open_(row: dict, at: dt.datetime, detail: dict) -> None:
        if row["opened_at"] is None:
            row["opened_at"] = opened[row["pk"]] = at
            event(row, MailEventKind.OPEN, at, detail=detail)

    for _id, kind, token, url, at, agent, ip in sorted(hits, key=lambda h: (h[4], h[0])):
        row = deliveries.get(token)
        if row is None:
            continue
        if kind == HitKind.OPEN:
            if is_machine_open(user_agent=agent, ip=ip, sent_at=row["sent_at"], at=at):
                if row["pk"] not in machine_seen:
                    machine_seen.add(row["pk"])
                    event(row, MailEventKind.MACHINE_OPEN, at, detail={"user_agent": agent[:200]})
                continue
            open_(row, at, {"user_agent": agent[:200]})
        else:
            event(row, MailEventKind.CLICK, at, url=url, detail={})
            open_(row, at, {"by": "click"})
            if row["clicked_at"] is None:
                row["clicked_at"] = clicked[row["pk"]] = at
            first_click.setdefault(row["pk"], (url, at))
    _insert_events(events)
    _set_times("opened_at", opened)
    _set_times("clicked_at", clicked)
    by_pk = {row["pk"]: row for row in deliveries.values()}
    for pk, at in opened.items():
        row = by_pk[pk]
        emit(
            "mail.opened",
            delivery_id=pk,
            campaign_id=row["campaign_id"],
            person_id=row["person_id"],
            opened_at=at,
        )
    for pk, (url, at) in first_click.items():
        row = by_pk[pk]
        emit(
            "mail.clicked",
            delivery_id=pk,
            campaign_id=row["campaign_id"],
            person_id=row["person_id"],
            url=url,
            clicked_at=at,
        )


def _insert_events(events: list[tuple]) -> None:
    """The batch's mail events in one statement run for many rows (``executemany``; the
    ORM's ``bulk_create`` built a model instance per row for nothing)."""
    if not events:
        return
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    prep_detail = MailEvent._meta.get_field("detail").get_db_prep_save
    columns = ("delivery_id", "campaign_id", "person_id", "kind", "at", "url", "detail")
    sql = (
        f"INSERT INTO {quote(MailEvent._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    rows = [
        (delivery, campaign, person, kind, adapt(at), url, prep_detail(detail, connection))
        for delivery, campaign, person, kind, at, url, detail in events
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _set_times(field: str, times: dict[int, dt.datetime]) -> None:
    """Each delivery's first time where none was recorded yet: one statement run for many
    rows (``executemany``; the ORM's CASE … WHEN over a batch cost more than the rest of
    the flush)."""
    if not times:
        return
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    column = quote(field)
    sql = (
        f"UPDATE {quote(Delivery._meta.db_table)} SET {column} = %s "
        f"WHERE {quote('id')} = %s AND {column} IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(adapt(at), pk) for pk, at in times.items()])
