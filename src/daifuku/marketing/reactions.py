"""Marketing's reactions to other domains' events (subscribed in MarketingConfig.ready()):
whatever happens to a person that a segment condition may test — their record changed,
an order landed or came back, their rank changed, a touch was logged, a deal stalled, a
mail was opened or clicked — re-evaluates that one
person against every segment, in the background (a task per person, after commit), so
the stored membership is current without rebuilding any segment. What no event reports
(consent recorded, a day passing for 「最終購入から90日以上」) is caught by the daily full
check."""

from __future__ import annotations


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
    """touch.logged, deal.stalled, mail.opened, mail.clicked: about a person when
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
