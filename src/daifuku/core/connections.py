"""A database connection ends with the thread that opened it.

Django keeps one connection per thread and, with ``CONN_MAX_AGE``, keeps it open between
requests: right for ``daifuku serve``, whose fixed pool of threads reuses them. A server
that starts a thread per request (``daifuku runserver``, Django's threaded WSGI server)
leaves each one to the garbage collector once its thread ends — and a connection object
sits in reference cycles (the backend's helpers point back at it), and anything that
still refers to it keeps it open for ever. Each request then left a connection behind:
PostgreSQL refused new clients after ~97 requests, SQLite ran out of file descriptors.

So every connection is registered, when it opens, with its thread's local storage; the
thread's end drops that storage and hands the connections still open to a closer thread,
which closes them within :data:`CLOSER_INTERVAL` — whatever else refers to them. Per-connection caches
(``core.fixed_query``: compiled plans and row converters) live on the connection object
itself, so they go with it.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
import weakref

from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

_local = threading.local()
# weak references to connections whose thread has ended, for the closer thread to close
_ended: collections.deque = collections.deque()
_closer_started = threading.Event()
CLOSER_INTERVAL = 0.5


class _Opened:
    """Lives only in one thread's local storage: it goes when the thread ends."""

    __slots__ = ("refs", "__weakref__")

    def __init__(self):
        self.refs: list[weakref.ref] = []


def opened(sender, connection, **kwargs) -> None:
    """``connection_created``: remember the connection in the opening thread's storage."""
    if connection.allow_thread_sharing:  # shared on purpose (a test server's in-memory SQLite)
        return
    here = getattr(_local, "opened", None)
    if here is None:
        here = _local.opened = _Opened()
        # When the thread's storage is dropped (the thread ended) its connections are only
        # handed over: a server's own threads (granian's) end inside the server's code,
        # where closing a connection there — which waits on the database — hung the worker
        weakref.finalize(here, _ended.extend, here.refs)
        _start_closer()
    # one entry per connection object (it reconnects after CONN_MAX_AGE) and none dead
    here.refs[:] = [ref for ref in here.refs if ref() is not None and ref() is not connection]
    here.refs.append(weakref.ref(connection))


def _start_closer() -> None:
    if not _closer_started.is_set():
        with _lock:
            if not _closer_started.is_set():
                threading.Thread(
                    target=_close_ended_forever, daemon=True, name="daifuku-connection-closer"
                ).start()
                _closer_started.set()


_lock = threading.Lock()


def _close_ended_forever() -> None:
    while True:
        time.sleep(CLOSER_INTERVAL)
        close_ended()


def close_ended() -> int:
    """Close the connections of the threads that have ended; returns how many."""
    closed = 0
    while _ended:
        try:
            wrapper = _ended.popleft()()
        except IndexError:
            break
        if wrapper is not None and wrapper.connection is not None:
            close(wrapper)
            closed += 1
    return closed


def close(wrapper) -> None:
    """Close the connection of a thread that has ended, from another thread (Django's own
    ``close()`` refuses to run outside the connection's thread; nobody uses it any more)."""
    raw, wrapper.connection = wrapper.connection, None
    try:
        if raw is not None:
            raw.close()
    except Exception:
        logger.warning("could not close the database connection of an ended thread", exc_info=True)


def install() -> None:
    connection_created.connect(opened, dispatch_uid="daifuku.core.connections.opened")
