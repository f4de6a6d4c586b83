"""What a fresh installation starts with: the usual sales channels (販売経路), so the first
order can name where it came in. Created after ``migrate`` (``post_migrate``; ``flush``
sends it too) only while there is no channel at all: a list the organisation edited is
never touched, and running it twice adds nothing."""

from __future__ import annotations

from django.db import connections

DEFAULT_CHANNELS = ("店舗", "EC", "電話", "外商", "イベント")


def ensure_default_channels(*, using: str = "default", models=None) -> bool:
    """Create the usual channels when the database has none; True when it did."""
    from django.apps import apps as installed

    model = (models or installed).get_model("commerce", "Channel")
    if model.objects.using(using).exists():
        return False
    model.objects.using(using).bulk_create(
        model(name=name, position=(index + 1) * 10) for index, name in enumerate(DEFAULT_CHANNELS)
    )
    return True


def on_post_migrate(*, using: str = "default", apps=None, **_ignored) -> None:
    """``post_migrate`` receiver of commerce: the defaults, once the table exists."""
    if "commerce_channel" in connections[using].introspection.table_names():
        ensure_default_channels(using=using, models=apps)
