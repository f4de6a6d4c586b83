from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BehaviourConfig(AppConfig):
    name = "daifuku.behaviour"
    label = "behaviour"
    verbose_name = _("Web behaviour")

    def ready(self) -> None:
        from daifuku.core import events, panels, schedule

        from . import jobs
        from . import panels as behaviour_panels
        from .services.merge import on_customer_merging

        # the inbox a quiet or restarted process left behind (requests flush it otherwise)
        schedule.every(30, "behaviour.flush", jobs.flush_inbox)
        events.participate("customer.merging", on_customer_merging)
        panels.register(
            "settings", "behaviour/_settings_links.html", lambda request, obj: {}, order=60
        )
        panels.register(
            "person.top",
            "behaviour/partials/_person_web_panel.html",
            behaviour_panels.person_web_panel,
            order=70,
        )
        schedule.every(86_400, "behaviour.retention", jobs.delete_expired_events)
