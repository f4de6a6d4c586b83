"""Who sees and changes what in sales (registered in SalesConfig.ready()).

* Deals (and their lines, quotes, stage changes): reps, marketers and support see and
  change the deals they own or that belong to their team; managers and admins see all.
  Another team's deal is simply not there (404).
* Products, pipelines and stages: everyone sees them; managers and admins change them.
* Targets: managers and admins see and set all; a rep sees their own and their team's.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from daifuku.accounts.permissions import VIEW, owned_scope, sees_everything


def deal_policy(prefix: str = ""):
    def policy(queryset: QuerySet, user, action: str) -> QuerySet:
        if sees_everything(user):
            return queryset
        return queryset.filter(
            owned_scope(user, owner_field=f"{prefix}owner", team_field=f"{prefix}team")
        )

    return policy


def catalog_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    if action == VIEW or sees_everything(user):
        return queryset
    return queryset.none()


def target_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    if sees_everything(user):
        return queryset
    if action != VIEW:
        return queryset.none()
    scope = Q(user_id=user.pk)
    if user.team_id:
        scope |= Q(team_id=user.team_id)
    return queryset.filter(scope)


def saved_view_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    return queryset.filter(user_id=user.pk)
