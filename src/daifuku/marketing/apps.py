from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "daifuku.marketing"
    label = "marketing"
    verbose_name = _("Marketing")

    def ready(self) -> None:
        from daifuku.accounts.permissions import register_policy
        from daifuku.core import audit_display, demo, events, panels, schedule, workers
        from daifuku.customers import list_filters

        from . import conditions, jobs, permissions, reactions, selectors  # noqa: F401  (conditions register)
        from . import demo as marketing_demo
        from .demo_mail import add_demo_mail
        from .models import Campaign, Segment, SegmentMembership, StaticMember
        from .services import campaigns
        from .services.merge import on_customer_merging

        register_policy(Segment, permissions.segment_policy)
        register_policy(StaticMember, permissions.static_member_policy)
        register_policy(SegmentMembership, permissions.static_member_policy)
        audit_display.register("marketing.segment", visible=permissions.segment_entries_visible)
        # mail templates and personas: read by everyone who sees them (everyone)
        for model in ("marketing.mailtemplate", "marketing.persona"):
            audit_display.register(model, visible=permissions.segment_entries_visible)
        # the customer list (and its export) narrowed to a segment: /customers/?segment=<id>
        list_filters.register("segment", selectors.narrowing_for, selectors.segment_label)
        # people chosen on the customer list put onto a fixed list: /customers/?add_to=<id>
        list_filters.register_selection("add_to", selectors.selection_for)
        demo.register("marketing.segments", marketing_demo.add_demo_segments)
        demo.register("marketing.mail_templates", add_demo_mail)
        # one person re-evaluated against every segment after an event about them
        for name in (
            "customer.created",
            "customer.updated",
            "customer.deleted",  # the trash: a deleted person is in no segment
            "customer.restored",
            "order.recorded",
            "order.returned",
        ):
            events.subscribe(name, reactions.on_customer_event)
        # an order's rank change per person; the rebuild's, the nightly decay's and new
        # rules' thousands at once as one set-based refresh
        events.subscribe("customer.rank_changed", reactions.on_rank_changed)
        for name in (
            "touch.logged",
            "deal.stalled",
            "customer.consent_changed",
            "mail.opened",
            "mail.clicked",
        ):
            events.subscribe(name, reactions.on_person_event)
        for name in ("customer.merged", "customer.unmerged"):
            events.subscribe(name, reactions.on_merge_event)
        events.participate("customer.merging", on_customer_merging)
        from . import law_wiring

        law_wiring.register()  # 特定電子メール法: unsubscribe, checks, evidence (docs/mail-law.md)
        from .tracking import setup as tracking_setup

        tracking_setup.register()  # links, pixel, hits, conversions, timeline (tracking/)
        # the stored membership against every segment's rules, daily (docs/marketing.md)
        schedule.every(
            jobs.FULL_CHECK_SECONDS, "marketing.segment_full_check", jobs.segment_full_check
        )
        # deliverability (docs/mail-deliverability.md): VERP + tracking header, DKIM last,
        # SPF/DKIM/DMARC warnings before a send, the bounce mailbox every 5 minutes
        from .feedback import checks as mail_checks
        from .feedback import signing as mail_signing
        from .feedback import verp as mail_verp
        from .mailing import hooks as mail_hooks

        mail_hooks.register_compose_hook(mail_verp.add_return_path, order=50)
        mail_signing.use_openssl_rsa()  # dkimpy's pure-Python RSA: 25 ms a message
        mail_hooks.register_bytes_hook(mail_signing.sign_message, order=1000)
        mail_hooks.register_preflight_check(mail_checks.preflight, order=500)
        schedule.every(
            jobs.BOUNCE_POLL_SECONDS, "marketing.poll_bounce_mailbox", jobs.poll_bounce_mailbox
        )
        panels.register(
            "settings", "marketing/feedback/_settings_links.html", lambda request, obj: {}, order=75
        )
        # campaigns: scheduled starts, A/B winners, finished sends (docs/marketing.md)
        register_policy(Campaign, permissions.campaign_policy)
        campaigns.use_delivery_job(lambda: getattr(jobs, "send_campaign_task", None))
        audit_display.register("marketing.campaign", visible=permissions.campaign_entries_visible)
        schedule.every(jobs.CAMPAIGN_TICK_SECONDS, "marketing.campaign_tick", jobs.campaign_tick)
        # relative dates (ages, 「最終購入から90日以上」): once a day, set-based
        schedule.every(jobs.CALENDAR_SECONDS, "marketing.segment_calendar", jobs.segment_calendar)
        # the delivery engine: half-sent claims of stopped workers → unknown, stalled sends
        # queued again (docs/mail-delivery.md)
        schedule.every(jobs.DELIVERY_WATCH_SECONDS, "marketing.delivery_watch", jobs.delivery_watch)
        workers.at_start(jobs.at_worker_start)
