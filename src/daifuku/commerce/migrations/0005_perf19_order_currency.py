"""Orders get their currency as a column (ISO 4217, yen by default). Until now the
currency rode in the source (``import:USD``); the data migration copies it from there.
The source is left as it was: it is part of the order's identity (source, number), so an
import of the same file again still finds its orders."""

from django.db import migrations, models

#: the codes maths/currency.py knew when the column was added
KNOWN = ("JPY", "KRW", "USD", "EUR", "GBP", "CNY", "TWD", "HKD", "SGD", "AUD", "CAD")


def currency_from_source(apps, schema_editor):
    Order = apps.get_model("commerce", "Order")
    for code in KNOWN:
        if code != "JPY":
            Order.objects.filter(source__endswith=f":{code}").update(currency=code)


def back_to_yen(apps, schema_editor):
    pass  # the column goes away; the sources still say the currency


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0004_product_category"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="currency",
            field=models.CharField(default="JPY", max_length=3, verbose_name="currency"),
        ),
        migrations.RunPython(currency_from_source, back_to_yen),
    ]
