"""Customer analytics: per-customer metrics, cohorts, CLV, recommendations and advocates."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "daifuku.analytics"
    label = "analytics"
    verbose_name = _("Customer analytics")

    def ready(self) -> None:
        from daifuku.accounts.permissions import register_customer_policy, register_policy
        from daifuku.core import audit_display, demo, events, panels

        from . import audit_rules, permissions
        from . import demo as analytics_demo
        from . import panels as analytics_panels
        from .models import AdvocateRules, NpsAnswer, Referral
        from .services.merge import on_customer_merging

        register_policy(NpsAnswer, permissions.person_rows_policy("person"))
        register_customer_policy(NpsAnswer, permissions.customer_rows_policy)
        register_policy(Referral, permissions.person_rows_policy("referrer"))
        register_customer_policy(Referral, permissions.customer_rows_policy)
        register_policy(AdvocateRules, permissions.rules_policy)
        audit_display.register("analytics.npsanswer", visible=audit_rules.nps_entries_visible)
        audit_display.register("analytics.referral", visible=audit_rules.referral_entries_visible)
        panels.register(
            "person.top",
            "analytics/partials/_person_advocacy_panel.html",
            analytics_panels.person_advocacy_panel,
            order=70,
        )
        events.participate("customer.merging", on_customer_merging)
        demo.register("analytics.advocacy", analytics_demo.add_demo_advocacy)
