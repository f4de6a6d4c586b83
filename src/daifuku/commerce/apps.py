from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "daifuku.commerce"
    label = "commerce"
    verbose_name = _("Commerce")

    def ready(self) -> None:
        from daifuku.accounts.permissions import register_policy

        from . import permissions
        from .models import Product

        register_policy(Product, permissions.catalog_policy)
