"""Background jobs of marketing (their django-tasks declarations and bodies): keeping the
stored membership of segments current. Idempotent, taking ids.

* ``refresh_segment_task(segment_id, reason)`` — enqueued by :mod:`.services.segments`
  when a segment is created or its rules change, and by :mod:`.services.lists` when a
  fixed list changes: the segment, then the segments whose rules name it;
* ``refresh_customer_task(person_id)`` — enqueued by :mod:`.reactions` after an event about
  one person;
* ``poll_bounce_mailbox()`` — every 5 minutes: bounces and complaints from the IMAP
  mailbox (:mod:`.feedback.imap`);
* ``segment_calendar()`` — hourly schedule entry (``marketing.segment_calendar``): once a
  day of Japan, the segments whose rules compare with today, set-based;
* ``send_campaign_task(campaign_id)`` — sends a campaign's due deliveries (the delivery
  engine, :mod:`.delivery`); queued by the campaign's send, it queues copies of itself so
  ``DAIFUKU_MAIL_PARALLEL`` workers share the campaign, then itself again until nothing is
  due (at the next retry's time when only retries wait);
* ``delivery_watch()`` — every minute and when a worker starts: claims of stopped workers
  become ``unknown``, finished campaigns are marked sent, stalled ones queued again;
* ``segment_full_check()`` — the daily schedule entry (``marketing.segment_full_check``):
  every segment against its rules; with the events and the calendar step in place it
  finds nothing to fix.

The bodies compute through :mod:`.services.memberships`, which never imports this module,
so there is no import circle between services and jobs.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from daifuku.core.workers import jobs_need_a_worker

from . import delivery
from .delivery.claims import remember_worker
from .services.audience import extend as extend_audience
from .services.conversions import attribute_order
from .services.memberships import (
    RULES,
    Drift,
    calendar_refresh,
    dependents,
    full_check,
    refresh_person,
    refresh_rule_segments,
)
from .services.memberships import refresh_segment as _refresh_segment
from .services.tracking import flush

FULL_CHECK_SECONDS = 24 * 3600
BOUNCE_POLL_SECONDS = 300
CAMPAIGN_TICK_SECONDS = 60
CALENDAR_SECONDS = 3600  # the work is done once a day; the hour bounds how late after midnight
TRACKING_FLUSH_SECONDS = 30
DELIVERY_WATCH_SECONDS = 60
# a worker runs one campaign for this long, then queues it again (a stopping worker
# finishes its run soon; other jobs get their turn)
SEND_SLICE_SECONDS = 20.0
# a retry due within this long is waited for in the run rather than queued
WAIT_INLINE_SECONDS = 5.0


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


def tracking_flush() -> int:
    """The schedule entry ``marketing.tracking_flush``: opens and clicks a quiet or
    restarted web process left in the tracking inbox become mail events."""
    return flush()


@task()
def attribute_order_task(order_id: int) -> None:
    """After ``order.recorded``: the order as a mail's conversion, if a mail led to it."""
    attribute_order(order_id=order_id)


@task()
def refresh_segment_task(segment_id: int, reason: str = RULES) -> None:
    refresh_segment(segment_id, reason)


@task()
def refresh_customer_task(person_id: int) -> None:
    refresh_customer(person_id)


@task()
def refresh_rule_segments_task() -> dict[str, int]:
    """After a change of many people's ranks at once: every rules segment set-based
    (:func:`.services.memberships.refresh_rule_segments`); how many segments changed."""
    return {"segments_changed": len(refresh_rule_segments())}


def poll_bounce_mailbox() -> object:
    """The schedule entry ``marketing.poll_bounce_mailbox``: read the bounce mailbox
    (``DAIFUKU_BOUNCE_IMAP_*``; nothing when no host is set) — docs/mail-deliverability.md."""
    from .feedback.imap import poll_configured

    return poll_configured()


def send_campaign(campaign_id: int, spread: bool = True) -> dict:
    """The body of :func:`send_campaign_task` (see the module's text)."""
    queued = jobs_need_a_worker()
    if spread and queued:
        for _ in range(int(getattr(settings, "DAIFUKU_MAIL_PARALLEL", 2)) - 1):
            send_campaign_task.enqueue(campaign_id, spread=False)
    if spread:
        # a large audience's rows are still being written: this run writes them while
        # the copies send the chunks already there (a copy that runs dry writes a chunk)
        extend_audience(campaign_id)
    while True:
        report = delivery.send_pending(
            campaign_id,
            time_budget=SEND_SLICE_SECONDS if queued else None,
            # a worker died sending this campaign: its job died with it, queue a successor
            on_recovered=(lambda _n: send_campaign_task.enqueue(campaign_id, spread=False))
            if queued
            else None,
        )
        wait = (
            (report.next_due - timezone.now()).total_seconds()
            if report.next_due is not None
            else None
        )
        if report.more or wait is None or wait > WAIT_INLINE_SECONDS:
            break
        time.sleep(max(0.0, wait))
    if queued and report.more:
        send_campaign_task.enqueue(campaign_id, spread=False)
    elif queued and report.next_due is not None:
        send_campaign_task.using(run_after=report.next_due).enqueue(campaign_id, spread=False)
    return {
        "sent": report.sent,
        "deferred": report.deferred,
        "failed": report.failed,
        "unknown": report.unknown,
        "recovered": report.recovered,
        "finished": report.finished,
    }


def delivery_watch() -> list[int]:
    """The schedule's and a starting worker's look after the delivery engine: returns the
    campaigns queued again."""
    died_sending = delivery.recover()  # their jobs died with them: queue successors
    delivery.finish_done_campaigns()
    resumed = sorted(set(delivery.campaigns_to_resume()) | set(died_sending))
    for campaign_id in resumed:
        if campaign_id in died_sending:
            send_campaign_task.enqueue(campaign_id, spread=False)
        else:
            send_campaign_task.enqueue(campaign_id)
    return resumed


def at_worker_start(worker_id: str) -> None:
    """A worker starts: its claims carry its id; a predecessor's claims are recovered."""
    remember_worker(worker_id)
    delivery_watch()


@task(queue_name="mail")
def send_campaign_task(campaign_id: int, spread: bool = True) -> dict:
    return send_campaign(campaign_id, spread)
