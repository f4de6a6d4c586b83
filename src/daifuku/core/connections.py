"""A database connection ends with the thread that opened it.

Django keeps one connection per thread and, with ``CONN_MAX_AGE``, keeps it open between
requests: right for ``daifuku serve``, whose fixed pool of threads reuses them. A server
that starts a thread per request (``daifuku runserver``, Django's threaded WSGI server)
leaves each one to the garbage collector once its thread ends — and a connection object
sits in reference cycles (the backend's helpers point back at it), and anything that
still refers to it keeps it open for ever. Each request then left a connection behind:
PostgreSQL refused new clients after ~97 requests, SQLite ran out of file descriptors.

So every connection is registered, when it opens, with its thread's local storage; the
thread's end drops that storage and closes the connections still open — at once and
whatever else refers to them. Per-connection caches (``core.fixed_query``,
``core.rows``) live on the connection object itself, so they go with it.
"""

from __future__ import annotations

import logging
import threading
import weakref

from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

_local = threading.local()


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
        # called when the thread's storage is dropped (the thread ended), or at exit
        weakref.finalize(here, _close_all, here.refs)
    # one entry per connection object (it reconnects after CONN_MAX_AGE) and none dead
    here.refs[:] = [ref for ref in here.refs if ref() is not None and ref() is not connection]
    here.refs.append(weakref.ref(connection))


def _close_all(refs: list[weakref.ref]) -> None:
    for ref in refs:
        wrapper = ref()
        if wrapper is not None and wrapper.connection is not None:
            close(wrapper)


def close(wrapper) -> None:
    """Close ``wrapper``'s connection, from its own thread at that thread's end."""
    try:
        wrapper.close()
    except Exception:  # the thread is ending: close the driver's connection all the same
        raw, wrapper.connection = wrapper.connection, None
        try:
            if raw is not None:
                raw.close()
        except Exception:
            logger.warning("could not close a database connection at its thread's end", exc_info=True)


def install() -> None:
    connection_created.connect(opened, dispatch_uid="daifuku.core.connections.opened")
