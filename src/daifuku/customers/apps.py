from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "daifuku.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from daifuku.accounts.permissions import ownership_policy, register_policy
        from daifuku.core import timeline

        from . import dedup, timeline_sources
        from .models import Company, Person

        register_policy(Person, ownership_policy())
        register_policy(Company, ownership_policy())
        dedup.ready()  # the review queue's and the merge journal's read policies
        _register_deferrable_indexes()
        timeline.register("audit", "customers.person", timeline_sources.audit_source)
        timeline.register("audit", "customers.company", timeline_sources.audit_source)


def _register_deferrable_indexes() -> None:
    """Indexes a bulk load (a large import, core.bulk_load) may build after its last batch
    instead of updating them row by row: the lists' orderings, into which new rows go at
    scattered places. Stay: the upsert's lookups (e-mail, E.164), the per-customer ones an
    update reads (foreign keys), every unique constraint, and the indexes new rows are
    appended to at the end anyway (created and updated dates, the trash) — cheaper kept up
    to date than built again over the whole ledger."""
    from daifuku.core import bulk_load

    from .models import EmailAddress, Person, PhoneNumber

    appended = {"person_created_idx", "person_updated_idx", "person_deleted_idx"}
    bulk_load.register(
        Person, [index.name for index in Person._meta.indexes if index.name not in appended]
    )
    bulk_load.register(EmailAddress, ["email_domain_idx"])
    bulk_load.register(PhoneNumber, ["phone_digits_idx", "phone_reversed_idx"])
