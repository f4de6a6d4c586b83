"""Who sees and changes which imports (registered in ImportsConfig.ready()).

A user sees and acts on the imports they started; managers and administrators see every
import. Another user's import is simply not there (404). What an import wrote to the
ledger follows the ledger's own rules (customers' policies).
"""

from __future__ import annotations

from django.db.models import QuerySet

from daifuku.accounts.permissions import sees_everything


def import_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    if sees_everything(user):
        return queryset
    return queryset.filter(created_by=user)
