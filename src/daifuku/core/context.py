"""Who is acting, and through which door (UI, API, command, import, worker).

Set once per request/command by middleware, API auth or the CLI; read by the audit trail
so every change records who made it and how, without threading an argument through every
helper.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class ActorContext:
    via: str = "system"  # ui | api | command | import | worker | system
    request_id: str = ""


_current: contextvars.ContextVar[ActorContext] = contextvars.ContextVar(
    "daifuku_actor_context",
    default=ActorContext(),  # noqa: B039 (frozen, immutable)
)


def current() -> ActorContext:
    return _current.get()


@contextlib.contextmanager
def acting(via: str, request_id: str = ""):
    token = _current.set(ActorContext(via=via, request_id=request_id))
    try:
        yield
    finally:
        _current.reset(token)
