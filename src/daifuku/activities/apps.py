from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "daifuku.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        from daifuku.accounts import profile_extras
        from daifuku.accounts.permissions import register_customer_policy, register_policy
        from daifuku.core import audit_display, events, panels, schedule, timeline

        from . import audit_rules, jobs, metrics, permissions, subjects, timeline_sources
        from .models import (
            DailyReport,
            NextAction,
            Notification,
            OwnershipPeriod,
            Touch,
            TouchAttachment,
        )
        from .services.merge import move_rows_on_merge, move_touches_back_on_unmerge
        from .services.touches import CONTENT_FIELDS

        metrics.register()
        register_policy(Touch, permissions.touch_policy)
        register_policy(TouchAttachment, permissions.attachment_policy)
        register_policy(NextAction, permissions.next_action_policy)
        register_customer_policy(Touch, permissions.customer_touch_policy)
        register_customer_policy(NextAction, permissions.customer_next_action_policy)
        register_policy(Notification, permissions.notification_policy)
        register_policy(DailyReport, permissions.report_policy)
        register_policy(OwnershipPeriod, permissions.everyone_policy)
        for label in ("customers.person", "customers.company"):
            timeline.register("touches", label, timeline_sources.touch_source)
            timeline.register("ownership", label, timeline_sources.ownership_source)
        panels.register(
            "person.top",
            "activities/partials/_person_top.html",
            timeline_sources.person_top_panel,
            order=10,
        )
        panels.register(
            "dashboard",
            "activities/partials/_dashboard_panel.html",
            timeline_sources.dashboard_panel,
            order=10,
        )
        audit_display.register(
            audit_rules.TOUCH,
            visible=audit_rules.touch_entries_visible,
            describe=audit_rules.describe_touch,
            content=CONTENT_FIELDS,
        )
        audit_display.register(
            audit_rules.ATTACHMENT,
            visible=audit_rules.attachment_entries_visible,
            describe=audit_rules.describe_attachment,
            parent=audit_rules.attachment_parent,
            hidden=("touch", "original_name"),
        )
        audit_display.register(
            audit_rules.ACTION,
            visible=audit_rules.action_entries_visible,
            describe=audit_rules.describe_action,
        )
        # by label: activities never imports the domains above it (they may register more)
        for label, app in (("sales.deal", "daifuku.sales"),):
            if apps.is_installed(app):
                subjects.register(label)
        panels.register(
            "profile",
            "activities/partials/_calendar_feed.html",
            timeline_sources.profile_panel,
            order=10,
        )
        profile_extras.register_calendar_url(timeline_sources.calendar_url)
        events.participate("customer.merging", move_rows_on_merge)
        events.participate("customer.unmerging", move_touches_back_on_unmerge)
        schedule.every(60, "activities.reminders", jobs.run_reminders)

        from daifuku.core import demo

        from .demo import add_demo_activity

        demo.register("activities", add_demo_activity)
