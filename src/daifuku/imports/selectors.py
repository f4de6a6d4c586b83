"""Permission-aware reads of imports: a user sees the imports they started; managers and
administrators see every import."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from daifuku.accounts.permissions import VIEW, restrict, sees_everything
from daifuku.core.pagination import keyset_page

from .models import ImportRun, SavedMapping


def import_policy(queryset: QuerySet, user, action: str) -> QuerySet:
    if sees_everything(user):
        return queryset
    return queryset.filter(created_by=user)


def runs_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(ImportRun.objects.all(), user, action)


def list_runs(user, *, cursor: str | None = None, size: int = 20):
    return keyset_page(runs_queryset(user).select_related("job"), ["-created_at", "-id"], cursor=cursor, size=size)


def get_run(user, pk, action: str = VIEW) -> ImportRun:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    run = runs_queryset(user, action).select_related("job").filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def saved_mappings() -> list[SavedMapping]:
    return list(SavedMapping.objects.all()[:200])
