"""The customer indexes of the orders carry the net total and the currency, so the
analytics rebuild sums each customer's purchases from the index alone (10M orders: no
sort, no visit of the table's rows). Same names; the newest-first order is kept."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0007_seg1m_order_period_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="order", name="order_person_idx"),
        migrations.RemoveIndex(model_name="order", name="order_company_idx"),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["person", "-ordered_at", "-id", "net_total", "currency"],
                name="order_person_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["company", "-ordered_at", "-id", "net_total", "currency"],
                name="order_company_idx",
            ),
        ),
    ]
