"""Tracking's registrations, called once from ``MarketingConfig.ready()``: the compose
hook that rewrites links and adds the pixel, the read policy of mail events, the person's
timeline entries, the conversion job after each order and the inbox's periodic flush."""

from __future__ import annotations


def register() -> None:
    from daifuku.accounts.permissions import register_customer_policy, register_policy
    from daifuku.core import events, schedule, timeline

    from .. import jobs, reactions
    from ..mailing.hooks import register_compose_hook
    from ..models import MailEvent
    from . import links, permissions
    from . import timeline as mail_timeline

    # after the law's footer (order 100): the pixel ends the body, the footer's own links
    # are tracked too (except the unsubscribe ones)
    register_compose_hook(links.compose_hook, order=200)
    register_policy(MailEvent, permissions.mail_event_policy)
    register_customer_policy(MailEvent, permissions.customer_mail_event_policy)
    timeline.register("mail", "customers.person", mail_timeline.person_mail_source)
    events.subscribe("order.recorded", reactions.on_order_recorded)
    schedule.every(jobs.TRACKING_FLUSH_SECONDS, "marketing.tracking_flush", jobs.tracking_flush)
