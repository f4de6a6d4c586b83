"""Explicit cross-domain reactions (docs/architecture.md convention 3: no signals).

Two kinds of subscription:

* ``subscribe(event, handler)`` — runs after the surrounding transaction commits (side
  effects: mail, analytics refresh, jobs). A failure in one handler is logged, not raised,
  so the business change that already committed is never undone by a reaction to it.
* ``participate(event, handler)`` — runs *inside* the transaction and returns a value to
  the emitter (for example when customers are merged, every domain moves its own rows and
  returns journal entries so the merge can be undone). Failures roll the whole thing back.

Apps register handlers in ``AppConfig.ready()``. Event names are dotted business words:
``customer.merged``, ``deal.won``, ``deal.stalled``. Every event is declared once in the
catalogue (:mod:`daifuku.core.event_catalogue`: its payload, the app that emits it and the
apps that listen), and the table in docs/architecture.md is checked against it. Under the
tests (``STRICT``) an undeclared name, or a payload that is not the declared one, is
refused; a running site never refuses a reaction over it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

_after_commit: dict[str, list[Callable[..., Any]]] = defaultdict(list)
_in_transaction: dict[str, list[Callable[..., Any]]] = defaultdict(list)

# Refuse undeclared events and payloads that are not the declared ones (set by the tests'
# conftest): a typo in an event name would otherwise be a reaction that silently never runs.
STRICT = False


@dataclass(frozen=True)
class Event:
    """One business event: what it means, what its handlers receive, who emits it and who
    reacts. ``in_transaction`` events are gathered inside the emitter's transaction
    (``gather``/``participate``); the others run after commit (``emit``/``subscribe``)."""

    name: str
    meaning: str
    payload: dict[str, str]  # keyword -> type, as every handler receives it
    emitted_by: str
    listened_by: tuple[str, ...] = ()
    in_transaction: bool = False


CATALOGUE: dict[str, Event] = {}


class UndeclaredEvent(LookupError):
    """An event name (or payload) the catalogue does not declare."""


def declare(
    name: str,
    *,
    meaning: str,
    payload: dict[str, str],
    emitted_by: str,
    listened_by: tuple[str, ...] = (),
    in_transaction: bool = False,
) -> Event:
    """Add ``name`` to the catalogue (``daifuku.core.event_catalogue``; tests declare their own)."""
    event = Event(name, meaning, dict(payload), emitted_by, tuple(listened_by), in_transaction)
    CATALOGUE[name] = event
    return event


def _check(name: str, in_transaction: bool, payload: dict[str, Any] | None = None) -> None:
    if not STRICT:
        return
    event = CATALOGUE.get(name)
    if event is None:
        raise UndeclaredEvent(f"event {name!r} is not declared in daifuku.core.event_catalogue")
    if event.in_transaction != in_transaction:
        raise UndeclaredEvent(
            f"event {name!r} is declared {'in' if event.in_transaction else 'after'} the "
            "transaction: use "
            + ("gather/participate" if event.in_transaction else "emit/subscribe")
        )
    if payload is not None and set(payload) != set(event.payload):
        raise UndeclaredEvent(
            f"event {name!r} carries {sorted(payload)}, declared {sorted(event.payload)}"
        )


def subscribe(event: str, handler: Callable[..., Any]) -> None:
    _check(event, False)
    if handler not in _after_commit[event]:
        _after_commit[event].append(handler)


def participate(event: str, handler: Callable[..., Any]) -> None:
    _check(event, True)
    if handler not in _in_transaction[event]:
        _in_transaction[event].append(handler)


def emit(event: str, **payload: Any) -> None:
    """Queue the after-commit handlers of ``event`` (runs now if no transaction is open)."""
    _check(event, False, payload)
    for handler in list(_after_commit.get(event, ())):
        transaction.on_commit(lambda h=handler: _run_safely(event, h, payload))


def gather(event: str, **payload: Any) -> list[Any]:
    """Run the in-transaction participants of ``event`` now and return their results."""
    _check(event, True, payload)
    return [handler(**payload) for handler in list(_in_transaction.get(event, ()))]


def _run_safely(event: str, handler: Callable[..., Any], payload: dict[str, Any]) -> None:
    try:
        handler(**payload)
    except Exception:  # a reaction must never break the change it reacts to
        logger.exception("handler %r for event %s failed", handler, event)


def handlers(event: str) -> list[Callable[..., Any]]:
    return list(_after_commit.get(event, ())) + list(_in_transaction.get(event, ()))


def catalogue_table() -> str:
    """The catalogue as the Markdown table of docs/architecture.md (a test keeps them equal)."""
    lines = ["| event | payload | emitted by | listened by | meaning |", "|---|---|---|---|---|"]
    for event in sorted(CATALOGUE.values(), key=lambda e: e.name):
        if not event.name.startswith("test."):
            payload = ", ".join(f"`{key}`: {kind}" for key, kind in event.payload.items())
            listeners = ", ".join(event.listened_by) or "—"
            when = " (in the transaction)" if event.in_transaction else ""
            lines.append(
                f"| `{event.name}`{when} | {payload} | {event.emitted_by} | {listeners} | {event.meaning} |"
            )
    return "\n".join(lines)


# Declared last: the catalogue calls declare() above, and importing events is enough to see it.
from . import event_catalogue  # noqa: E402,F401
