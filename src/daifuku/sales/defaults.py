"""What a fresh installation starts with, so the first deal can be opened on day one: one
editable pipeline with the usual Japanese B2B stages (ending in a won and a lost stage),
and the usual reasons a deal is lost.

Created after ``migrate`` (``post_migrate``; ``flush`` sends it too, so an emptied database
is a fresh installation again) only while there is no pipeline at all: a pipeline the
organisation created, renamed or deactivated is never touched, and running it twice adds
nothing. The same holds for the lost reasons."""

from __future__ import annotations

from django.db import connections

DEFAULT_PIPELINE = "新規営業"
# (name, probability %, kind, rotting limit in days)
DEFAULT_STAGES = (
    ("見込み", 10, "open", 30),
    ("提案", 30, "open", 30),
    ("見積提示", 60, "open", 21),
    ("交渉", 80, "open", 14),
    ("受注", 100, "won", None),
    ("失注", 0, "lost", None),
)

DEFAULT_LOST_REASONS = ("価格", "競合に敗退", "予算なし", "時期尚早", "連絡途絶", "その他")


def ensure_default_pipeline(*, using: str = "default", models=None) -> bool:
    """Create the default pipeline when the database has none; True when it did.
    ``models``: an app registry (the migration state's), else the installed models."""
    from django.apps import apps as installed

    registry = models or installed
    pipeline_model = registry.get_model("sales", "Pipeline")
    stage_model = registry.get_model("sales", "Stage")
    if pipeline_model.objects.using(using).exists():
        return False
    pipeline = pipeline_model.objects.using(using).create(name=DEFAULT_PIPELINE, position=10)
    stage_model.objects.using(using).bulk_create(
        stage_model(
            pipeline=pipeline,
            name=name,
            position=(index + 1) * 10,
            probability=probability,
            kind=kind,
            rotting_days=rotting,
        )
        for index, (name, probability, kind, rotting) in enumerate(DEFAULT_STAGES)
    )
    return True


def ensure_default_lost_reasons(*, using: str = "default", models=None) -> bool:
    """Create the usual lost reasons when there is none; True when it did."""
    from django.apps import apps as installed

    model = (models or installed).get_model("sales", "LostReason")
    if model.objects.using(using).exists():
        return False
    model.objects.using(using).bulk_create(
        model(name=name, position=(index + 1) * 10)
        for index, name in enumerate(DEFAULT_LOST_REASONS)
    )
    return True


def on_post_migrate(*, using: str = "default", apps=None, **_ignored) -> None:
    """``post_migrate`` receiver of the sales app: the defaults, once the tables exist
    (not after ``migrate sales zero``)."""
    tables = connections[using].introspection.table_names()
    if "sales_stage" in tables:
        ensure_default_pipeline(using=using, models=apps)
    if "sales_lostreason" in tables:
        ensure_default_lost_reasons(using=using, models=apps)
