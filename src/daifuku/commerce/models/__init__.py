"""Commerce: the product catalog, orders and their lines, returns."""

from .catalog import TAX_RATES, Product, TaxCategory
from .orders import Channel, Order, OrderLine, OrderStatus, Return, ReturnKind, ReturnLine
from .webhooks import WebhookDelivery, WebhookKind, WebhookSource

__all__ = [
    "TAX_RATES",
    "Channel",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Product",
    "Return",
    "ReturnKind",
    "ReturnLine",
    "TaxCategory",
    "WebhookDelivery",
    "WebhookKind",
    "WebhookSource",
]
