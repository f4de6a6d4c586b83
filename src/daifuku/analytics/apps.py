"""Customer analytics: per-customer metrics, cohorts, CLV, recommendations and advocates."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "daifuku.analytics"
    label = "analytics"
    verbose_name = _("Customer analytics")

    def ready(self) -> None:
        from daifuku.accounts.permissions import register_customer_policy, register_policy
        from daifuku.core import audit_display, demo, events, panels, schedule

        from . import audit_rules, customer_list, defaults, jobs, permissions
        from . import demo as analytics_demo
        from . import panels as analytics_panels
        from .models import AdvocateRules, CLVFit, CustomerPrediction, NpsAnswer, Referral
        from .services import figure_totals, metrics
        from .services.clv import nightly_fit
        from .services.merge import on_customer_merging

        # an order or a return updates its customer's figures and rank in its transaction
        events.participate("order.recording", metrics.on_order)
        events.participate("order.returning", metrics.on_order)
        events.subscribe("customer.merged", metrics.on_merge)
        events.subscribe("customer.unmerged", metrics.on_merge)
        # the analytics area's running totals (月別売上, コホート …) in the same transaction
        events.participate("order.recording", figure_totals.on_order)
        events.participate("order.returning", figure_totals.on_order)
        # an import's batch of orders: every customer of the batch at once, set-based
        events.participate("orders.recording", metrics.on_orders)
        events.participate("orders.recording", figure_totals.on_orders)
        events.subscribe("customer.merged", figure_totals.on_merge)
        events.subscribe("customer.unmerged", figure_totals.on_merge)
        events.subscribe("customer.deleted", figure_totals.on_customer)
        events.subscribe("customer.restored", figure_totals.on_customer)
        # events emitted (after commit): customer.rank_changed
        schedule.every(jobs.NIGHTLY_SECONDS, "analytics.nightly_rebuild", jobs.nightly)
        panels.register(
            "person.top",
            "analytics/partials/_person_metrics_panel.html",
            analytics_panels.person_metrics_panel,
            order=55,
        )
        customer_list.register()
        demo.register("analytics.metrics", analytics_panels.demo_rebuild)
        post_migrate.connect(defaults.on_post_migrate, sender=self)

        # business figures, CLV, recommendations: read policies, the おすすめ商品 panel and
        # the predicted CLV and probability alive refitted once a day on the orders up to
        # yesterday
        register_policy(CLVFit, permissions.fit_policy)
        register_policy(CustomerPrediction, permissions.prediction_policy)
        panels.register(
            "person.top",
            "analytics/partials/_person_recommendations_panel.html",
            analytics_panels.person_recommendations_panel,
            order=70,
        )
        schedule.every(24 * 3600, "analytics.fit_clv", nightly_fit)

        # advocates (seed 002): NPS answers, referrals, the advocate rule
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
