"""Who sees and changes segments (registered in MarketingConfig.ready()).

* Everyone in the organisation sees the segments and may build their own (a rep's
  「担当の東京都のお客様」); what a segment *shows* a user is limited to the customers that
  user may read — the members list and the counts go through the ledger's ``restrict()``.
* A segment is changed or deleted by its owner, by marketers (the segments are their
  working material) and by managers and administrators. Out of scope is a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from daifuku.accounts.models import Role
from daifuku.accounts.permissions import VIEW, sees_everything


def edits_every_segment(user) -> bool:
    return sees_everything(user) or user.role == Role.MARKETER


def segment_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    if action == VIEW or edits_every_segment(user):
        return queryset
    return queryset.filter(Q(owner_id=user.pk))


def _allows(user, action: str, obj) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return action == VIEW or edits_every_segment(user) or obj.owner_id == user.pk


segment_policy.allows = _allows  # type: ignore[attr-defined]


def static_member_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    """A list's rows follow the list, and show only people the user may read."""
    from daifuku.accounts.permissions import restrict
    from daifuku.customers.models import Person

    from .models import Segment

    segments = segment_policy(Segment.objects.all(), user, action).values("pk")
    people = restrict(Person.objects.all(), user, VIEW).values("pk")
    return queryset.filter(segment__in=segments, person__in=people)


def segment_entries_visible(user, entries) -> set[int]:
    """A segment's history is read by everyone who sees the segment (everyone)."""
    return {entry.pk for entry in entries}


# Campaigns follow the segments' rule: everyone sees them, the owner, marketers, managers
# and administrators change them. Sending reaches the whole segment (not only the customers
# the sender may read), so only those who edit every segment may start a send.
campaign_policy = segment_policy


def may_send(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and edits_every_segment(user)


def campaign_entries_visible(user, entries) -> set[int]:
    """A campaign's history is read by everyone who sees the campaign (everyone)."""
    return {entry.pk for entry in entries}
