"""What a fresh installation starts with: three ranks (ブロンズ / シルバー / ゴールド), created
after ``migrate`` (``post_migrate``) only while there is no rank rule at all — rules an
administrator edited are never touched, and running it twice adds nothing."""

from __future__ import annotations

# A fresh installation's ranks (seed 003: purchase count, and the last 12 months' amount)
DEFAULT_RULES = (
    {"name": "ブロンズ", "min_purchases": 1, "min_amount": 0, "period_months": 0, "priority": 10},
    {"name": "シルバー", "min_purchases": 2, "min_amount": 0, "period_months": 0, "priority": 20},
    {
        "name": "ゴールド",
        "min_purchases": 0,
        "min_amount": 100_000,
        "period_months": 12,
        "priority": 30,
    },
)


def ensure_default_rules(*, using: str = "default", models=None) -> bool:
    """ブロンズ / シルバー / ゴールド on a database without any rank rule."""
    from django.apps import apps as installed

    model = (models or installed).get_model("analytics", "RankRule")
    if model.objects.using(using).exists():
        return False
    model.objects.using(using).bulk_create(model(**rule) for rule in DEFAULT_RULES)
    return True


def on_post_migrate(*, using: str = "default", apps=None, **_ignored) -> None:
    from django.db import connections

    if "analytics_rankrule" in connections[using].introspection.table_names():
        ensure_default_rules(using=using, models=apps)
