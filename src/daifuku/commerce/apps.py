from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "daifuku.commerce"
    label = "commerce"
    verbose_name = _("Commerce")

    def ready(self) -> None:
        from daifuku.accounts.permissions import register_customer_policy, register_policy
        from daifuku.core import audit_display, demo, events, panels, schedule, timeline

        from . import audit_rules, defaults, jobs, permissions, timeline_sources
        from . import demo as commerce_demo
        from .models import Channel, Order, OrderLine, Product, Return, ReturnLine
        from .services.merge import on_customer_merging

        register_policy(Product, permissions.catalog_policy)
        register_policy(Channel, permissions.catalog_policy)
        register_policy(Order, permissions.order_policy())
        register_customer_policy(Order, permissions.customer_order_policy)
        register_policy(OrderLine, permissions.order_policy("order__"))
        register_policy(Return, permissions.order_policy("order__"))
        register_policy(ReturnLine, permissions.order_policy("ret__order__"))
        timeline.register("orders", "customers.person", timeline_sources.customer_orders_source)
        timeline.register("orders", "customers.company", timeline_sources.customer_orders_source)
        panels.register(
            "person.top",
            "commerce/partials/_person_orders_panel.html",
            timeline_sources.person_orders_panel,
            order=60,
        )
        panels.register(
            "settings", "commerce/partials/_settings_links.html", lambda request, obj: {}, order=50
        )
        audit_display.register("commerce.order", visible=audit_rules.order_entries_visible)
        audit_display.register("commerce.return", visible=audit_rules.return_entries_visible)
        events.participate("customer.merging", on_customer_merging)
        demo.register("commerce.orders", commerce_demo.add_demo_orders)
        schedule.every(
            3600, "commerce.forget_webhook_deliveries", jobs.forget_old_webhook_deliveries
        )
        # events emitted (after commit): order.recorded, order.returned
        from . import metrics

        metrics.register()
        post_migrate.connect(defaults.on_post_migrate, sender=self)
