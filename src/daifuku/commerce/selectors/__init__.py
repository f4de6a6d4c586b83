"""Every user-visible read in commerce, through ``restrict()`` (docs/architecture.md convention 2)."""

from .catalog import products_queryset
from .orders import (
    channels,
    customer_for_api,
    customer_orders,
    get_order,
    list_orders,
    orders_queryset,
)
from .webhooks import webhook_sources

__all__ = [
    "channels",
    "customer_for_api",
    "customer_orders",
    "get_order",
    "list_orders",
    "orders_queryset",
    "products_queryset",
    "webhook_sources",
]
