"""Who sees and changes what in commerce (registered in CommerceConfig.ready()).

* Products: everyone sees the catalog; managers and admins change it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from daifuku.accounts.permissions import VIEW, sees_everything


def catalog_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    if action == VIEW or sees_everything(user):
        return queryset
    return queryset.none()
