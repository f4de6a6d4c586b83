"""The list of sales channels (販売経路) orders name: managers add, rename, reorder and
deactivate them. A deactivated channel is no longer offered; its orders keep it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from daifuku.core import kept_lists

from ..models import Channel
from .common import require_manager


def _name(value, current: Channel | None) -> str:
    return kept_lists.clean_name(
        Channel,
        value,
        current=current,
        limit=50,
        empty=_("Enter a channel name."),
        duplicate=_("This channel already exists."),
    )


@transaction.atomic
def create_channel(*, actor, name: str) -> Channel:
    """Add a sales channel at the end of the list."""
    require_manager(actor)
    return kept_lists.add_entry(actor=actor, model=Channel, name=_name(name, None))


@transaction.atomic
def update_channel(*, actor, channel: Channel, data: dict[str, Any]) -> Channel:
    """Rename (``name``), reorder (``position``) or deactivate (``is_active``) a channel."""
    require_manager(actor)
    return kept_lists.change_entry(actor=actor, entry=channel, data=data, clean=_name)
