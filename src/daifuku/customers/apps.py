from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "daifuku.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from daifuku.accounts.permissions import ownership_policy, register_policy
        from daifuku.core import timeline

        from . import timeline_sources
        from .models import Company, Person

        register_policy(Person, ownership_policy())
        register_policy(Company, ownership_policy())
        timeline.register("audit", "customers.person", timeline_sources.audit_source)
        timeline.register("audit", "customers.company", timeline_sources.audit_source)
