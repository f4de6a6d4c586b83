"""The product catalog as a user may see it."""

from __future__ import annotations

from django.db.models import QuerySet

from daifuku.accounts.permissions import VIEW, restrict

from ..models import Product


def products_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(Product.objects.all(), user, action)


def product_by_code_or_id(*, sku: str | None = None, pk: int | None = None) -> Product | None:
    """One product of the catalog by its code (SKU) or id (everyone may read the catalog)."""
    if sku:
        return Product.objects.filter(code=sku).first()
    if pk is not None:
        return Product.objects.filter(pk=pk).first()
    return None
