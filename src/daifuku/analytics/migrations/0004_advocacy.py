"""Advocates: referrals, NPS answers and the advocate rule (docs/analytics.md). Depends on
0001 only; the lead chains it after the other analytics migrations."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_clv_and_recommendations"),
        ("customers", "0008_search_folds_kanji_variants"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AdvocateRules",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "min_nps",
                    models.PositiveSmallIntegerField(default=9, verbose_name="minimum NPS score"),
                ),
                (
                    "nps_within_days",
                    models.PositiveIntegerField(
                        default=365, verbose_name="NPS answers of the last (days)"
                    ),
                ),
                (
                    "min_referrals",
                    models.PositiveIntegerField(default=1, verbose_name="minimum referrals"),
                ),
                ("require_both", models.BooleanField(default=False, verbose_name="require both")),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "advocate rules",
                "verbose_name_plural": "advocate rules",
            },
        ),
        migrations.CreateModel(
            name="NpsAnswer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("score", models.PositiveSmallIntegerField(verbose_name="score (0–10)")),
                (
                    "answered_on",
                    models.DateField(
                        default=django.utils.timezone.localdate, verbose_name="answered on"
                    ),
                ),
                ("source", models.CharField(blank=True, max_length=50, verbose_name="source")),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
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
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="nps_answers",
                        to="customers.person",
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "NPS answer",
                "verbose_name_plural": "NPS answers",
                "ordering": ["-answered_on", "-id"],
                "indexes": [models.Index(fields=["person", "-answered_on"], name="nps_person_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("score__lte", 10)), name="nps_score_0_10"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Referral",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "referred_on",
                    models.DateField(
                        default=django.utils.timezone.localdate, verbose_name="introduced on"
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
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
                    "referred",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="referrals_received",
                        to="customers.person",
                        verbose_name="introduced customer",
                    ),
                ),
                (
                    "referrer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="referrals_made",
                        to="customers.person",
                        verbose_name="introduced by",
                    ),
                ),
            ],
            options={
                "verbose_name": "referral",
                "verbose_name_plural": "referrals",
                "ordering": ["-referred_on", "-id"],
                "indexes": [
                    models.Index(fields=["referrer", "-referred_on"], name="referral_referrer_idx"),
                    models.Index(fields=["referred"], name="referral_referred_idx"),
                ],
            },
        ),
    ]
