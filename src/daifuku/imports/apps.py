from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "daifuku.imports"
    label = "imports"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        from daifuku.accounts.permissions import register_policy
        from daifuku.core import jobs
        from daifuku.customers import dedup

        from .models import ImportRun
        from .selectors import import_policy
        from .services import import_stalled

        # The dedup models live in customers; their policies are registered here so the
        # customers app config stays untouched (imports is the app that owns 名寄せ work).
        dedup.ready()
        register_policy(ImportRun, import_policy)
        # an import whose worker died is failed, and what its whole batches wrote can be undone
        jobs.when_stalled("import", import_stalled)
