"""The settings an administrator edits, and a customer's latest page views."""

from __future__ import annotations

from daifuku.accounts.permissions import can

from ..models import BehaviourSettings, Event
from ..services.settings import current


def settings_for(user) -> BehaviourSettings | None:
    return current(fresh=True) if getattr(user, "is_admin", False) else None


def person_recent_events(user, person, limit: int = 10, *, checked: bool = False) -> list:
    """The customer's latest web events, for whoever may read the customer (``checked``:
    the caller, e.g. the person page, has already read the person through restrict())."""
    if not checked and not can(user, "view", person):
        return []
    return list(Event.objects.filter(person=person).order_by("-occurred_at")[:limit])
