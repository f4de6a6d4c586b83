"""Every write in commerce goes through these functions (docs/architecture.md convention 1)."""

from .catalog import create_product, update_product
from .channels import create_channel, update_channel
from .imported import (
    record_imported_orders,
    refresh_imported_customers,
    remove_imported_orders,
)
from .order_body import parse_when, record_order_body
from .orders import record_order, record_return

__all__ = [
    "create_channel",
    "create_product",
    "parse_when",
    "record_order_body",
    "record_order",
    "record_imported_orders",
    "refresh_imported_customers",
    "record_return",
    "remove_imported_orders",
    "update_channel",
    "update_product",
]
