"""The product catalog now belongs to commerce (commerce 0001 took over the table
``sales_product`` in its state). Here sales points its line items at commerce's model and
forgets its own — state only: the table, its rows and the line items' foreign key column
stay exactly as they are (docs/adr/0008-product-catalog-in-commerce.md)."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Anything that names the model by content type (permissions) follows it."""
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(app_label="commerce", model="product").exists():
        content_type.objects.using(db).filter(app_label="sales", model="product").update(
            app_label="commerce"
        )


def keep_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(app_label="sales", model="product").exists():
        content_type.objects.using(db).filter(app_label="commerce", model="product").update(
            app_label="sales"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0003_lost_reasons"),
        ("commerce", "0001_product_catalog_from_sales"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="lineitem",
                    name="product",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="commerce.product",
                    ),
                ),
                migrations.DeleteModel(name="Product"),
            ],
        ),
        migrations.RunPython(move_content_type, keep_content_type),
    ]
