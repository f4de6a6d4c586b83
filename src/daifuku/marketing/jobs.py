"""Job bodies of marketing: keeping the stored membership of segments current.

* ``refresh_segment(segment_id)`` — enqueued (``tasks.refresh_segment_task``) when a
  segment is created or its rules change;
* ``segment_full_check()`` — the daily schedule entry (``marketing.segment_full_check``):
  every segment against its rules; with the event-driven updates in place (next step of
  issue 20: ``order.recorded``, ``touch.logged``, consent and rank changes call
  ``refresh_person``) it must find nothing to fix except what the calendar moved.
"""

from __future__ import annotations

from .services.memberships import Drift, full_check, refresh_person
from .services.memberships import refresh_segment as _refresh_segment

FULL_CHECK_SECONDS = 24 * 3600


def refresh_segment(segment_id: int) -> Drift:
    return _refresh_segment(segment_id)


def refresh_customer(person_id: int) -> list[tuple[int, bool]]:
    return refresh_person(person_id)


def segment_full_check() -> dict[int, Drift]:
    return full_check()
