"""The one product catalog (価格表) that every domain sells from: shop orders, EC orders
and the sales team's deals and quotes (docs/adr/0008-product-catalog-in-commerce.md)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TaxCategory(models.TextChoices):
    """Consumption tax rate class (消費税): standard 10% or reduced 8% (軽減税率: food, newspapers)."""

    STANDARD = "standard", _("Standard 10%")
    REDUCED = "reduced", _("Reduced 8%")


TAX_RATES = {TaxCategory.STANDARD: 10, TaxCategory.REDUCED: 8}


class Product(models.Model):
    """A product or service on the price list (価格表): unit price in integer yen before tax,
    and its consumption tax category. The table keeps its first name (``sales_product``):
    the catalog moved from sales to commerce without copying a row."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("sales", "name"), max_length=200)
    unit_price = models.BigIntegerField(_("unit price (yen, before tax)"))
    tax_category = models.CharField(
        _("tax category"), max_length=10, choices=TaxCategory.choices, default=TaxCategory.STANDARD
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    # 商品分類 (お茶, 和菓子, 茶器): "bought a category" in segments and up-sell paths
    # (a customer moving to a dearer product of the same category) read it
    category = models.CharField(_("category"), max_length=100, blank=True, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "sales_product"
        ordering = ["code"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def tax_rate(self) -> int:
        return TAX_RATES[self.tax_category]
