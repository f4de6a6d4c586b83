from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "daifuku.marketing"
    label = "marketing"
    verbose_name = _("Marketing")

    def ready(self) -> None:
        from daifuku.accounts.permissions import register_policy
        from daifuku.core import audit_display, demo, events, schedule, workers
        from daifuku.customers import list_filters

        from . import conditions, jobs, permissions, reactions, selectors  # noqa: F401  (conditions register)
        from . import demo as marketing_demo
        from .demo_mail import add_demo_mail
        from .models import Segment, SegmentMembership, StaticMember
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
            "order.recorded",
            "order.returned",
            "customer.rank_changed",  # nightly decay and new rank rules come with no order
        ):
            events.subscribe(name, reactions.on_customer_event)
        for name in ("touch.logged", "deal.stalled"):
            events.subscribe(name, reactions.on_person_event)
        for name in ("customer.merged", "customer.unmerged"):
            events.subscribe(name, reactions.on_merge_event)
        events.participate("customer.merging", on_customer_merging)
        # the stored membership against every segment's rules, daily (docs/marketing.md)
        schedule.every(
            jobs.FULL_CHECK_SECONDS, "marketing.segment_full_check", jobs.segment_full_check
        )
        # the delivery engine: half-sent claims of stopped workers → unknown, stalled sends
        # queued again (docs/mail-delivery.md)
        schedule.every(jobs.DELIVERY_WATCH_SECONDS, "marketing.delivery_watch", jobs.delivery_watch)
        workers.at_start(jobs.at_worker_start)
