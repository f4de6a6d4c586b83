"""Commerce: the product catalog, orders and their lines, returns."""

from .catalog import TAX_RATES, Product, TaxCategory

__all__ = ["TAX_RATES", "Product", "TaxCategory"]
