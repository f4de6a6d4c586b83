"""The product catalog moves from sales to commerce without copying a row: commerce takes
over the existing table ``sales_product`` in the migration state only (no SQL runs), and
sales' 0004 drops the model from its own state (docs/adr/0008-product-catalog-in-commerce.md)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # the table exists (sales 0001 created it) before commerce claims it
        ("sales", "0003_lost_reasons"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Product",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.CharField(max_length=40, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        (
                            "unit_price",
                            models.BigIntegerField(verbose_name="unit price (yen, before tax)"),
                        ),
                        (
                            "tax_category",
                            models.CharField(
                                choices=[("standard", "Standard 10%"), ("reduced", "Reduced 8%")],
                                default="standard",
                                max_length=10,
                                verbose_name="tax category",
                            ),
                        ),
                        ("unit", models.CharField(blank=True, max_length=20, verbose_name="unit")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, editable=False),
                        ),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "verbose_name": "product",
                        "verbose_name_plural": "products",
                        "ordering": ["code"],
                        "db_table": "sales_product",
                    },
                ),
            ],
        ),
    ]
