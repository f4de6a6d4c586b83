"""Every user-visible read in commerce, through ``restrict()`` (docs/architecture.md convention 2)."""

from .catalog import products_queryset

__all__ = ["products_queryset"]
