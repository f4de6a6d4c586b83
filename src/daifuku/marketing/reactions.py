"""Marketing's reactions to other domains' events (subscribed in MarketingConfig.ready()):
whatever happens to a person that a segment condition may test — their record changed
or went to the trash, an order landed or came back, their rank or consent changed, a
touch was logged, a deal stalled, two people were merged — re-evaluates that one person
against every segment, in the background (a task per person, after commit), so the
stored membership is current without rebuilding any segment. A day passing (ages,
「最終購入から90日以上」) is the daily calendar refresh's (:mod:`.jobs`).

Marketing's own records about a person (a mail opened or clicked) are events too
(``mail.opened``, ``mail.clicked``), or call :func:`refresh_later` where they are recorded."""

from __future__ import annotations

import time

# Rank changes that come many at once, with no order behind them (analytics' full rebuild,
# the nightly decay, new rank rules): one set-based refresh of the rule segments, not a
# task per person — a rebuild that moves 450,000 ranks had queued 450,000 tasks.
BULK_RANK_REASONS = frozenset({"rebuild", "nightly", "rules"})


def refresh_later(person_id) -> None:
    """Re-evaluate one person against every segment in the background, after commit (the
    call for tracking's opens and clicks; :func:`.services.memberships.refresh_person`
    does it at once)."""
    if isinstance(person_id, int):
        from django.db import transaction

        from .jobs import refresh_customer_task

        transaction.on_commit(lambda: refresh_customer_task.enqueue(person_id))


def _refresh(person_id) -> None:
    if isinstance(person_id, int):
        from .jobs import refresh_customer_task

        refresh_customer_task.enqueue(person_id)


def on_customer_event(*, entity: str, entity_id: int, **_payload) -> None:
    """customer.created / customer.updated / customer.deleted / customer.restored;
    order.recorded / order.returned (a rank change: :func:`on_rank_changed`)."""
    if entity == "person":
        _refresh(entity_id)


def on_rank_changed(*, entity: str, entity_id: int, reason: str, **_payload) -> None:
    """customer.rank_changed: an order's or a return's change re-evaluates that person; a
    bulk change (:data:`BULK_RANK_REASONS`) queues one refresh of every rule segment."""
    if reason in BULK_RANK_REASONS:
        _refresh_rule_segments_once()
    elif entity == "person":
        _refresh(entity_id)


# The queued bulk refresh, so the thousands of events of one rebuild queue it once: while
# it still waits for a worker it will read everything the rebuild committed (events come
# after commit), so another event need not queue it again. Its status is read at most once
# a second; once it has started (or, with the immediate backend, finished), the next bulk
# event queues a new one.
_bulk_refresh: dict = {"result": None, "checked": 0.0}


def _refresh_rule_segments_once() -> None:
    from django_tasks import TaskResultStatus

    from .jobs import refresh_rule_segments_task

    result = _bulk_refresh["result"]
    now = time.monotonic()
    if result is not None and result.status == TaskResultStatus.READY:
        if now - _bulk_refresh["checked"] < 1.0:
            return
        _bulk_refresh["checked"] = now
        try:
            result.refresh()
        except Exception:  # the row was pruned: queue a new one
            result = None
        if result is not None and result.status == TaskResultStatus.READY:
            return
    _bulk_refresh["result"] = refresh_rule_segments_task.enqueue()
    _bulk_refresh["checked"] = now


def on_person_event(*, person_id=None, **_payload) -> None:
    """touch.logged, deal.stalled, customer.consent_changed, mail.opened, mail.clicked:
    about a person when
    ``person_id`` is set."""
    _refresh(person_id)


def on_merge_event(*, entity: str, survivor_id: int, loser_id: int, **_payload) -> None:
    """customer.merged / customer.unmerged: both people may have changed segments."""
    if entity == "person":
        _refresh(survivor_id)
        _refresh(loser_id)


def on_order_recorded(*, order_id: int, entity: str, **_payload) -> None:
    """order.recorded: a person's purchase may be a mail's conversion (services.conversions)."""
    if entity == "person":
        from .jobs import attribute_order_task

        attribute_order_task.enqueue(order_id)
