"""Predictive CLV: the fits (parameters per calibration end) and each customer's
predicted 12-month value and probability alive from the newest fit. Recommendations
need no table: they are computed from the orders when asked."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_customer_metrics"),
        ("core", "0007_worker_heartbeat"),
        ("customers", "0008_search_folds_kanji_variants"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CLVFit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("calibration_end", models.DateField(verbose_name="calibration end")),
                (
                    "period",
                    models.CharField(default="week", max_length=8, verbose_name="time unit"),
                ),
                ("params", models.JSONField(default=dict, verbose_name="parameters")),
                ("customers", models.PositiveIntegerField(default=0, verbose_name="customers")),
                (
                    "repeat_buyers",
                    models.PositiveIntegerField(default=0, verbose_name="repeat buyers"),
                ),
                (
                    "finished_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="finished at"
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "job",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="core.jobrun",
                    ),
                ),
            ],
            options={
                "verbose_name": "CLV fit",
                "verbose_name_plural": "CLV fits",
                "ordering": ["-finished_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="CustomerPrediction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("predicted_clv", models.FloatField(verbose_name="predicted CLV (12 months)")),
                (
                    "expected_purchases",
                    models.FloatField(verbose_name="expected purchases (12 months)"),
                ),
                ("p_alive", models.FloatField(verbose_name="probability alive")),
                (
                    "company",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="customers.company",
                    ),
                ),
                (
                    "fit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="predictions",
                        to="analytics.clvfit",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="customers.person",
                    ),
                ),
            ],
            options={
                "verbose_name": "customer prediction",
                "verbose_name_plural": "customer predictions",
            },
        ),
        migrations.AddIndex(
            model_name="clvfit",
            index=models.Index(fields=["calibration_end", "period"], name="clvfit_end_idx"),
        ),
        migrations.AddIndex(
            model_name="customerprediction",
            index=models.Index(fields=["person", "fit"], name="prediction_person_idx"),
        ),
        migrations.AddIndex(
            model_name="customerprediction",
            index=models.Index(fields=["company", "fit"], name="prediction_company_idx"),
        ),
        migrations.AddConstraint(
            model_name="customerprediction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("person__isnull", False), ("company__isnull", False), _connector="OR"
                ),
                name="prediction_has_customer",
            ),
        ),
    ]
