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
        _register_deferrable_indexes()


def _register_deferrable_indexes() -> None:
    """Indexes a large import may build after its last batch instead of updating them row
    by row (core.bulk_load): the lists' and search's orderings, into which new rows go at
    scattered places. Stay: the upsert's lookups (e-mail, E.164, external id), the
    per-customer ones an update reads (foreign keys), every unique constraint, and the
    indexes new rows are appended to at the end anyway (created and updated dates, the
    trash) — cheaper kept up to date than built again over the whole ledger."""
    from daifuku.core import bulk_load
    from daifuku.core.models import SearchDocument
    from daifuku.customers.models import EmailAddress, Person, PhoneNumber

    appended = {"person_created_idx", "person_updated_idx", "person_deleted_idx"}
    bulk_load.register(
        Person, [index.name for index in Person._meta.indexes if index.name not in appended]
    )
    bulk_load.register(EmailAddress, ["email_domain_idx"])
    bulk_load.register(PhoneNumber, ["phone_digits_idx", "phone_reversed_idx"])
    bulk_load.register(SearchDocument, ["search_doc_sort_idx"])
