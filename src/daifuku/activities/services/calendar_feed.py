"""Turning a user's private calendar feed on (or to a new address) and off."""

from __future__ import annotations

import secrets

from django.db import transaction

from daifuku.accounts.models import User
from daifuku.core import audit


@transaction.atomic
def enable_calendar_feed(*, actor, user: User) -> User:
    """Give ``user`` a new secret feed address: turns the feed on, or revokes every
    existing subscription when it was on (the old address stops answering)."""
    current = User.objects.select_for_update().get(pk=user.pk)
    was_on = bool(current.calendar_secret)
    current.calendar_secret = secrets.token_urlsafe(32)
    current.save(update_fields=["calendar_secret"])
    audit.record(
        actor=actor,
        action="rotate_calendar_secret" if was_on else "enable_calendar_feed",
        obj=current,
    )
    user.calendar_secret = current.calendar_secret
    return current


@transaction.atomic
def disable_calendar_feed(*, actor, user: User) -> User:
    """Turn the feed off: the address answers 404 from now on."""
    current = User.objects.select_for_update().get(pk=user.pk)
    if current.calendar_secret:
        current.calendar_secret = ""
        current.save(update_fields=["calendar_secret"])
        audit.record(actor=actor, action="disable_calendar_feed", obj=current)
    user.calendar_secret = ""
    return current
