"""Every write in commerce goes through these functions (docs/architecture.md convention 1)."""

from .catalog import create_product, update_product

__all__ = ["create_product", "update_product"]
