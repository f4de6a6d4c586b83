from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "daifuku.imports"
    label = "imports"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        from daifuku.accounts.permissions import register_policy
        from daifuku.core import jobs

        from .jobs import import_stalled
        from .models import ImportRun
        from .permissions import import_policy

        register_policy(ImportRun, import_policy)
        # an import whose worker died is failed, and what its whole batches wrote can be undone
        jobs.when_stalled("import", import_stalled)
