from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "daifuku.analytics"
    label = "analytics"
    verbose_name = _("Customer analytics")

    def ready(self) -> None:
        from daifuku.core import demo, events, panels, schedule

        from . import customer_list, defaults, jobs
        from . import panels as analytics_panels
        from .services import metrics

        # an order or a return updates its customer's figures and rank in its transaction
        events.participate("order.recording", metrics.on_order)
        events.participate("order.returning", metrics.on_order)
        events.subscribe("customer.merged", metrics.on_merge)
        events.subscribe("customer.unmerged", metrics.on_merge)
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

        from .setup_business import register as register_business

        register_business()  # business figures, CLV, recommendations (setup_business.py)
