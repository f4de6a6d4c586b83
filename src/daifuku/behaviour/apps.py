from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BehaviourConfig(AppConfig):
    name = "daifuku.behaviour"
    label = "behaviour"
    verbose_name = _("Web behaviour")

    def ready(self) -> None:
        # registrations (policies, panels, timeline sources, events, jobs) go here
        pass
