"""Every user-visible read in commerce, through ``restrict()`` (docs/architecture.md convention 2)."""

from .catalog import products_queryset
from .imported import products_by_code, recorded_numbers
from .orders import (
    channels,
    customer_for_api,
    customer_orders,
    get_order,
    list_orders,
    orders_queryset,
)
from .screens import OrderFilters, filtered_orders
from .webhooks import webhook_sources

__all__ = [
    "OrderFilters",
    "channels",
    "customer_for_api",
    "customer_orders",
    "filtered_orders",
    "get_order",
    "list_orders",
    "orders_queryset",
    "products_by_code",
    "products_queryset",
    "recorded_numbers",
    "webhook_sources",
]
