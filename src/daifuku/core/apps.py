from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "daifuku.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import (
            db,  # noqa: F401  (connection setup hooks)
            jobs,
            schedule,
        )

        schedule.every(jobs.RECOVERY_INTERVAL_SECONDS, "core.recover_stalled_jobs", jobs.recover_stalled)
