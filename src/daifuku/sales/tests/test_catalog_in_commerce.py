"""The catalog moved from sales to commerce without copying: one table, one model
(docs/adr/0008-product-catalog-in-commerce.md). Here because only sales may import both."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from daifuku.commerce.models import Product


def test_one_model_on_the_kept_table(db):
    from daifuku.sales import models as sales_models

    assert sales_models.Product is Product
    assert Product._meta.app_label == "commerce" and Product._meta.db_table == "sales_product"
    assert "sales_product" in connection.introspection.table_names()
    assert sales_models.LineItem._meta.get_field("product").related_model is Product


def test_migrations_move_state_only():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    state = loader.project_state()
    assert ("sales", "product") not in state.models
    assert state.models["commerce", "product"].options["db_table"] == "sales_product"
    assert state.models["sales", "lineitem"].fields["product"].related_model == "commerce.product"
    for key in (
        ("commerce", "0001_product_catalog_from_sales"),
        ("sales", "0004_product_moves_to_commerce"),
    ):
        migration = loader.disk_migrations[key]
        moves = [
            op for op in migration.operations if type(op).__name__ == "SeparateDatabaseAndState"
        ]
        assert moves and all(op.database_operations == [] for op in moves)


def test_a_product_added_through_sales_is_the_commerce_product(db, rep, company):
    from django.contrib.contenttypes.models import ContentType

    from daifuku.sales.services import add_line_item, create_deal, create_pipeline, create_product

    product = create_product(
        actor="test", data={"code": "SYS", "name": "販売管理", "unit_price": 1_000}
    )
    assert Product.objects.get(code="SYS").pk == product.pk
    pipeline = create_pipeline(actor="test", name="テスト")
    deal = create_deal(
        actor=rep,
        data={
            "title": "導入",
            "company_id": company.pk,
            "pipeline_id": pipeline.pk,
            "expected_close": "2026-12-24",
        },
    )
    line = add_line_item(actor=rep, deal=deal, data={"product": product.pk, "quantity": 2})
    assert line.product_id == product.pk and line.unit_price == 1_000
    assert ContentType.objects.get_for_model(Product).app_label == "commerce"


def test_quote_tax_maths_is_commerces():
    from daifuku.commerce.maths import tax
    from daifuku.sales.maths import tax as sales_tax

    assert sales_tax.compute is tax.compute
    assert tax.compute([(2_002, "reduced")]).tax == 160


@pytest.mark.django_db(transaction=True)
def test_an_installed_catalog_moves_with_its_rows_and_links():
    """From the state before the move (sales 0003, no commerce), a product and a line
    item pointing at it survive the migrations untouched: same ids, same link."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("commerce", None)])  # unapplies sales 0004 too (it depends on commerce 0001)
    executor.loader.build_graph()
    old = executor.loader.project_state(("sales", "0003_lost_reasons")).apps
    product = old.get_model("sales", "Product").objects.create(
        code="OLD-1", name="旧商品", unit_price=5_000
    )
    pipeline = old.get_model("sales", "Pipeline").objects.create(name="移行テスト")
    stage = old.get_model("sales", "Stage").objects.create(
        pipeline=pipeline, name="見込み", position=10
    )
    deal = old.get_model("sales", "Deal").objects.create(
        title="移行", pipeline=pipeline, stage=stage
    )
    line = old.get_model("sales", "LineItem").objects.create(
        deal=deal, product=product, name="旧商品", unit_price=5_000
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from daifuku.sales.models import LineItem

    assert Product.objects.get(pk=product.pk).code == "OLD-1"
    assert LineItem.objects.select_related("product").get(pk=line.pk).product.code == "OLD-1"
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    assert ContentType.objects.filter(app_label="commerce", model="product").count() == 1
    assert not ContentType.objects.filter(app_label="sales", model="product").exists()
