"""Shopify's own ids on orders, order lines and returns: a ``refunds/create`` names its
order and lines by them and is recorded once by its refund id; ``orders/updated`` is taken
once per ``updated_at``. Empty for everything else (tills, imports, our JSON)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0005_perf19_order_currency"),
        ("customers", "0010_law_consent_exceptions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="external_id",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                max_length=40,
                verbose_name="id at the sender",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="external_updated_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="orderline",
            name="external_id",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                max_length=40,
                verbose_name="line id at the sender",
            ),
        ),
        migrations.AddField(
            model_name="return",
            name="external_id",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                max_length=40,
                verbose_name="refund id at the sender",
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                condition=models.Q(("external_id", ""), _negated=True),
                fields=["source", "external_id"],
                name="order_external_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="return",
            constraint=models.UniqueConstraint(
                condition=models.Q(("external_id", ""), _negated=True),
                fields=("order", "external_id"),
                name="return_external_once",
            ),
        ),
    ]
