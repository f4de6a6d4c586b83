"""Explicit cross-domain reactions (docs/architecture.md convention 3: no signals).

Two kinds of subscription:

* ``subscribe(event, handler)`` — runs after the surrounding transaction commits (side
  effects: mail, analytics refresh, jobs). A failure in one handler is logged, not raised,
  so the business change that already committed is never undone by a reaction to it.
* ``participate(event, handler)`` — runs *inside* the transaction and returns a value to
  the emitter (for example when customers are merged, every domain moves its own rows and
  returns journal entries so the merge can be undone). Failures roll the whole thing back.

Apps register handlers in ``AppConfig.ready()``. Event names are dotted business words:
``customer.merged``, ``deal.won``, ``deal.stalled``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

_after_commit: dict[str, list[Callable[..., Any]]] = defaultdict(list)
_in_transaction: dict[str, list[Callable[..., Any]]] = defaultdict(list)


def subscribe(event: str, handler: Callable[..., Any]) -> None:
    if handler not in _after_commit[event]:
        _after_commit[event].append(handler)


def participate(event: str, handler: Callable[..., Any]) -> None:
    if handler not in _in_transaction[event]:
        _in_transaction[event].append(handler)


def emit(event: str, **payload: Any) -> None:
    """Queue the after-commit handlers of ``event`` (runs now if no transaction is open)."""
    for handler in list(_after_commit.get(event, ())):
        transaction.on_commit(lambda h=handler: _run_safely(event, h, payload))


def gather(event: str, **payload: Any) -> list[Any]:
    """Run the in-transaction participants of ``event`` now and return their results."""
    return [handler(**payload) for handler in list(_in_transaction.get(event, ()))]


def _run_safely(event: str, handler: Callable[..., Any], payload: dict[str, Any]) -> None:
    try:
        handler(**payload)
    except Exception:  # a reaction must never break the change it reacts to
        logger.exception("handler %r for event %s failed", handler, event)


def handlers(event: str) -> list[Callable[..., Any]]:
    return list(_after_commit.get(event, ())) + list(_in_transaction.get(event, ()))
