"""A product's category (商品分類: お茶, 茶器 …) on the price list screen and through the
API: segments select buyers by it (「購入した商品分類」), so managers set and change it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .test_views import client_for

pytestmark = pytest.mark.django_db


def test_managers_set_and_change_a_products_category(manager, rep):
    from daifuku.commerce.models import Product

    client = client_for(manager)
    client.post(
        reverse("sales:products"),
        {"code": "SEN", "name": "煎茶", "unit_price": "1,000", "tax_category": "reduced",
         "category": "  お茶  "},
    )  # fmt: skip
    product = Product.objects.get(code="SEN")
    assert product.category == "お茶"
    page = client.get(reverse("sales:product-edit", args=[product.pk]))
    assert page.status_code == 200 and 'value="お茶"' in page.content.decode()
    response = client.post(
        reverse("sales:product-edit", args=[product.pk]),
        {"code": "SEN", "name": "煎茶", "unit_price": "1000", "tax_category": "reduced",
         "category": "日本茶"},
    )  # fmt: skip
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.category == "日本茶" and product.unit_price == 1000
    assert "日本茶" in client.get(reverse("sales:products")).content.decode()
    too_long = client.post(
        reverse("sales:product-edit", args=[product.pk]),
        {"code": "SEN", "name": "煎茶", "unit_price": "1000", "tax_category": "reduced",
         "category": "茶" * 101},
    )  # fmt: skip
    assert too_long.status_code == 200  # the form again, with the field's error
    assert client_for(rep).get(reverse("sales:product-edit", args=[product.pk])).status_code == 403


def test_the_api_reads_and_writes_the_category(admin_api):
    created = admin_api.post(
        "/api/v1/products", {"code": "YU", "name": "湯呑み", "unit_price": 3000, "category": "茶器"}
    )
    assert created.status_code == 201 and created.json()["category"] == "茶器"
    changed = admin_api.patch(f"/api/v1/products/{created.json()['id']}", {"category": ""})
    assert changed.status_code == 200 and changed.json()["category"] == ""
    bad = admin_api.patch(f"/api/v1/products/{created.json()['id']}", {"category": "x" * 101})
    assert bad.status_code == 422
