from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "daifuku.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # registrations (policies, panels, timeline sources, events, jobs) go here
        pass
