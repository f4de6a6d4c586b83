"""Background jobs of marketing (their django-tasks declarations and bodies): keeping the
stored membership of segments current. Idempotent, taking ids.

* ``refresh_segment_task(segment_id, reason)`` — enqueued by :mod:`.services.segments`
  when a segment is created or its rules change, and by :mod:`.services.lists` when a
  fixed list changes: the segment, then the segments whose rules name it;
* ``refresh_customer_task(person_id)`` — enqueued by :mod:`.reactions` after an event about
  one person;
* ``poll_bounce_mailbox()`` — every 5 minutes: bounces and complaints from the IMAP
  mailbox (:mod:`.feedback.imap`);
  one person (an order, a rank or consent change, a touch, a merge, a mail clicked);
* ``segment_calendar()`` — hourly schedule entry (``marketing.segment_calendar``): once a
  day of Japan, the segments whose rules compare with today, set-based;
* ``segment_full_check()`` — the daily schedule entry (``marketing.segment_full_check``):
  every segment against its rules; with the events and the calendar step in place it
  finds nothing to fix.

The bodies compute through :mod:`.services.memberships`, which never imports this module,
so there is no import circle between services and jobs.
"""

from __future__ import annotations

from django_tasks import task

from .services.memberships import (
    RULES,
    Drift,
    calendar_refresh,
    dependents,
    full_check,
    refresh_person,
)
from .services.memberships import refresh_segment as _refresh_segment

FULL_CHECK_SECONDS = 24 * 3600
BOUNCE_POLL_SECONDS = 300
CAMPAIGN_TICK_SECONDS = 60
CALENDAR_SECONDS = 3600  # the work is done once a day; the hour bounds how late after midnight


def refresh_segment(segment_id: int, reason: str = RULES) -> Drift:
    """The segment, then every segment whose rules name it (their members move with it)."""
    drift = _refresh_segment(segment_id, reason=reason)
    for other in dependents(segment_id):
        _refresh_segment(other, reason=reason)
    return drift


def refresh_customer(person_id: int) -> list[tuple[int, bool]]:
    return refresh_person(person_id)


def segment_calendar() -> dict[int, Drift]:
    return calendar_refresh()


def segment_full_check() -> dict[int, Drift]:
    return full_check()


def campaign_tick() -> dict[str, list[int]]:
    """The schedule entry ``marketing.campaign_tick`` (every minute): start the scheduled
    campaigns whose time has come, release the rest of A/B tests whose waiting time has
    passed, and mark finished the campaigns with no delivery left to send."""
    from .services import ab, campaigns

    return {
        "started": campaigns.start_due(),
        "released": ab.release_due(),
        "finished": campaigns.finish_done(),
    }


@task()
def refresh_segment_task(segment_id: int, reason: str = RULES) -> None:
    refresh_segment(segment_id, reason)


@task()
def refresh_customer_task(person_id: int) -> None:
    refresh_customer(person_id)


def poll_bounce_mailbox() -> object:
    """The schedule entry ``marketing.poll_bounce_mailbox``: read the bounce mailbox
    (``DAIFUKU_BOUNCE_IMAP_*``; nothing when no host is set) — docs/mail-deliverability.md."""
    from .feedback.imap import poll_configured

    return poll_configured()
