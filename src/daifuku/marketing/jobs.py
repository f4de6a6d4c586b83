"""Background jobs of marketing (their django-tasks declarations and bodies): keeping the
stored membership of segments current. Idempotent, taking ids.

* ``refresh_segment_task(segment_id)`` — enqueued by :mod:`.services.segments` when a
  segment is created or its rules change;
* ``refresh_customer_task(person_id)`` — enqueued by :mod:`.reactions` after an event about
  one person;
* ``segment_full_check()`` — the daily schedule entry (``marketing.segment_full_check``):
  every segment against its rules; with the event-driven updates in place (next step of
  issue 20: ``order.recorded``, ``touch.logged``, consent and rank changes call
  ``refresh_person``) it must find nothing to fix except what the calendar moved.

The bodies compute through :mod:`.services.memberships`, which never imports this module,
so there is no import circle between services and jobs.
"""

from __future__ import annotations

from django_tasks import task

from .services.conversions import attribute_order
from .services.memberships import Drift, full_check, refresh_person
from .services.memberships import refresh_segment as _refresh_segment
from .services.tracking import flush

FULL_CHECK_SECONDS = 24 * 3600
TRACKING_FLUSH_SECONDS = 30


def refresh_segment(segment_id: int) -> Drift:
    return _refresh_segment(segment_id)


def refresh_customer(person_id: int) -> list[tuple[int, bool]]:
    return refresh_person(person_id)


def segment_full_check() -> dict[int, Drift]:
    return full_check()


def tracking_flush() -> int:
    """The schedule entry ``marketing.tracking_flush``: opens and clicks a quiet or
    restarted web process left in the tracking inbox become mail events."""
    return flush()


@task()
def attribute_order_task(order_id: int) -> None:
    """After ``order.recorded``: the order as a mail's conversion, if a mail led to it."""
    attribute_order(order_id=order_id)


@task()
def refresh_segment_task(segment_id: int) -> None:
    refresh_segment(segment_id)


@task()
def refresh_customer_task(person_id: int) -> None:
    refresh_customer(person_id)
