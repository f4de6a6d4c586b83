from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

STALLED_CHECK_SECONDS = 60 * 60


class SalesConfig(AppConfig):
    name = "daifuku.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from daifuku.accounts.permissions import register_policy
        from daifuku.core import demo, events, panels, schedule, timeline

        from . import defaults, permissions, timeline_sources
        from . import demo as sales_demo
        from .models import (
            Deal,
            DealContact,
            LineItem,
            LostReason,
            Pipeline,
            Quote,
            SavedView,
            Stage,
            StageChange,
            Target,
        )
        from .services.merge import on_customer_merging
        from .services.orders import order_for_won_deal
        from .services.stalled import flag_stalled_deals, note_touch

        register_policy(Deal, permissions.deal_policy())
        for model in (DealContact, LineItem, Quote, StageChange):
            register_policy(model, permissions.deal_policy("deal__"))
        for model in (Pipeline, Stage, LostReason):
            register_policy(model, permissions.catalog_policy)
        register_policy(Target, permissions.target_policy)
        register_policy(SavedView, permissions.saved_view_policy)

        timeline.register("deals", "customers.person", timeline_sources.customer_deals_source)
        timeline.register("deals", "customers.company", timeline_sources.customer_deals_source)
        timeline.register("stages", "sales.deal", timeline_sources.stage_source)
        timeline.register("audit", "sales.deal", timeline_sources.audit_source)
        timeline.register("touches", "sales.deal", timeline_sources.touch_source)
        panels.register(
            "person.top",
            "sales/partials/_person_deals_panel.html",
            timeline_sources.person_deals_panel,
            order=50,
        )

        events.subscribe("touch.logged", note_touch)
        events.subscribe("deal.won", order_for_won_deal)  # the win becomes a commerce order
        events.participate("customer.merging", on_customer_merging)
        schedule.every(STALLED_CHECK_SECONDS, "sales.flag_stalled_deals", flag_stalled_deals)
        demo.register("sales.deals", sales_demo.add_demo_deals)
        from . import metrics

        metrics.register()
        post_migrate.connect(defaults.on_post_migrate, sender=self)
