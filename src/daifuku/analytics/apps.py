from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "daifuku.analytics"
    label = "analytics"
    verbose_name = _("Customer analytics")

    def ready(self) -> None:
        # registrations (policies, panels, timeline sources, events, jobs) go here
        from .setup_business import register as register_business

        register_business()  # business figures, CLV, recommendations (setup_business.py)
