"""KPIs and their targets per period (docs/dashboards.md)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Kpi",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("metric", models.CharField(max_length=80, verbose_name="metric")),
                (
                    "period_type",
                    models.CharField(
                        choices=[
                            ("month", "Month"),
                            ("quarter", "Quarter (fiscal year from April)"),
                            ("fiscal_year", "Fiscal year (April to March)"),
                        ],
                        default="month",
                        max_length=12,
                        verbose_name="period",
                    ),
                ),
                (
                    "owner_only",
                    models.BooleanField(
                        default=False, verbose_name="count only the owner's figures"
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
            ],
            options={
                "verbose_name": "KPI",
                "verbose_name_plural": "KPIs",
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="KpiTarget",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period_start", models.DateField(verbose_name="period start")),
                (
                    "value",
                    models.DecimalField(decimal_places=4, max_digits=18, verbose_name="target"),
                ),
                (
                    "kpi",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="targets",
                        to="dashboards.kpi",
                    ),
                ),
            ],
            options={
                "verbose_name": "KPI target",
                "verbose_name_plural": "KPI targets",
                "ordering": ["period_start"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kpi", "period_start"), name="kpi_target_per_period"
                    )
                ],
            },
        ),
    ]
