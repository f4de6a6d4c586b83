"""The product catalog (価格表): adding and changing products. Sales sells from the same
catalog (its services delegate here)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.core import audit
from daifuku.core.errors import ValidationFailed

from ..models import Product, TaxCategory
from .common import require_manager, yen

PRODUCT_FIELDS = ("code", "name", "unit_price", "tax_category", "unit", "category", "is_active")


def _clean_product(data: dict[str, Any], creating: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name in ("code", "name", "unit", "category"):
        if name in data or (creating and name in ("code", "name")):
            text = str(data.get(name) or "").strip()
            if name == "category":  # segments match a category by its name: one spelling
                text = " ".join(text.split())
            if not text and name in ("code", "name"):
                errors[name] = [_("This field is required.")]
            limit = getattr(Product._meta.get_field(name), "max_length", None)
            if limit and len(text) > limit:
                errors[name] = [_("At most %(count)s characters.") % {"count": limit}]
            values[name] = text
    if "unit_price" in data or creating:
        values["unit_price"] = yen(data.get("unit_price"), "unit_price", errors, required=True)
    if "tax_category" in data:
        if data["tax_category"] not in TaxCategory.values:
            errors["tax_category"] = [_("Use standard (10%) or reduced (8%).")]
        values["tax_category"] = data["tax_category"]
    if "is_active" in data:
        values["is_active"] = bool(data["is_active"])
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def create_product(*, actor, data: dict[str, Any]) -> Product:
    """Add a product or service to the price list (price in yen before tax)."""
    require_manager(actor)
    values = _clean_product(data, creating=True)
    if Product.objects.filter(code=values["code"]).exists():
        raise ValidationFailed(
            {"code": [_("A product with this code already exists.")]}, code="duplicate"
        )
    product = Product.objects.create(**values)
    audit.record(
        actor=actor,
        action="create",
        obj=product,
        changes=audit.diff({}, audit.snapshot(product, PRODUCT_FIELDS)),
    )
    return product


@transaction.atomic
def update_product(*, actor, product: Product, data: dict[str, Any]) -> Product:
    require_manager(actor)
    current = Product.objects.select_for_update().get(pk=product.pk)
    values = _clean_product(data, creating=False)
    if (
        "code" in values
        and Product.objects.filter(code=values["code"]).exclude(pk=current.pk).exists()
    ):
        raise ValidationFailed(
            {"code": [_("A product with this code already exists.")]}, code="duplicate"
        )
    before = audit.snapshot(current, PRODUCT_FIELDS)
    for name, value in values.items():
        setattr(current, name, value)
    current.updated_at = timezone.now()
    current.save()
    changes = audit.diff(before, audit.snapshot(current, PRODUCT_FIELDS))
    if changes:
        audit.record(actor=actor, action="update", obj=current, changes=changes)
    return current
