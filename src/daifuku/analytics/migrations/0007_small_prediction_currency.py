"""Each prediction says its currency: a shop selling in two currencies gets a fit per
currency, each customer predicted in the currency of their orders. The predictions already
stored take the currency of their fit (``params.currency``; yen when the fit predates it)."""

from django.db import migrations, models


def currency_from_fit(apps, schema_editor):
    CLVFit = apps.get_model("analytics", "CLVFit")
    CustomerPrediction = apps.get_model("analytics", "CustomerPrediction")
    for fit in CLVFit.objects.all().only("pk", "params"):
        code = str((fit.params or {}).get("currency") or "JPY")[:3]
        if code != "JPY":
            CustomerPrediction.objects.filter(fit_id=fit.pk).update(currency=code)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0006_perf19_figure_totals"),
    ]

    operations = [
        migrations.AddField(
            model_name="customerprediction",
            name="currency",
            field=models.CharField(default="JPY", max_length=3, verbose_name="currency"),
        ),
        migrations.RunPython(currency_from_fit, migrations.RunPython.noop),
    ]
