"""Marketing's reactions to other domains' events (subscribed in MarketingConfig.ready()):
whatever happens to a person that a segment condition may test — their record changed
or went to the trash, an order landed or came back, their rank or consent changed, a
touch was logged, a deal stalled, two people were merged — re-evaluates that one person
against every segment, in the background (a task per person, after commit), so the
stored membership is current without rebuilding any segment. A day passing (ages,
「最終購入から90日以上」) is the daily calendar refresh's (:mod:`.jobs`).

Marketing's own records about a person (a mail opened or clicked) call
:func:`refresh_later` where they are recorded."""

from __future__ import annotations


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
    """customer.created / customer.updated; order.recorded / order.returned;
    customer.rank_changed (a rank condition may now hold or not)."""
    if entity == "person":
        _refresh(entity_id)


def on_person_event(*, person_id=None, **_payload) -> None:
    """touch.logged, deal.stalled, customer.consent_changed: about a person when
    ``person_id`` is set."""
    _refresh(person_id)


def on_merge_event(*, entity: str, survivor_id: int, loser_id: int, **_payload) -> None:
    """customer.merged / customer.unmerged: both people may have changed segments."""
    if entity == "person":
        _refresh(survivor_id)
        _refresh(loser_id)
