"""Reads an order import needs for a whole batch at once: which order numbers a source has
recorded already (the import is idempotent by number) and the catalog products its
product codes name."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Order, Product


def recorded_numbers(source: str, numbers: Iterable[str]) -> set[str]:
    """The numbers among ``numbers`` that ``source`` has an order for (whoever's it is:
    a number is taken even when its customer is out of the importer's sight)."""
    wanted = sorted(set(numbers))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(
            Order.objects.filter(source=source, number__in=wanted[start : start + 500]).values_list(
                "number", flat=True
            )
        )
    return found


def products_by_code(codes: Iterable[str]) -> dict[str, Product]:
    """``{code: product}`` of the catalog products with these codes (the catalog is
    everyone's to read)."""
    wanted = sorted({c for c in codes if c})
    found: dict[str, Product] = {}
    for start in range(0, len(wanted), 500):
        for product in Product.objects.filter(code__in=wanted[start : start + 500]):
            found[product.code] = product
    return found
