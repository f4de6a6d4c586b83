"""Permission-aware reads of imports: a user sees the imports they started; managers and
administrators see every import."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from daifuku.accounts.permissions import VIEW, restrict
from daifuku.core.pagination import keyset_page

from .models import ImportRowOutcome, ImportRun, ImportTarget, SavedMapping


def runs_queryset(user, action: str = VIEW) -> QuerySet:
    return restrict(ImportRun.objects.all(), user, action)


def list_runs(user, *, cursor: str | None = None, size: int = 20):
    return keyset_page(
        runs_queryset(user).select_related("job"), ["-created_at", "-id"], cursor=cursor, size=size
    )


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


def saved_mapping_named(name: str) -> SavedMapping | None:
    """A saved mapping by its name (saved mappings are shared by every user)."""
    return SavedMapping.objects.filter(name=name).first()


def row_outcomes(user, run: ImportRun, only: str = "", limit: int = 200) -> list[ImportRowOutcome]:
    """The first row outcomes of a run (``only``: ``failed``, ``duplicates`` or
    ``warnings``), each with ``customer_name``: the name of the customer it created or
    updated, as the user may see it now ("" when out of their scope or in the trash)."""
    from daifuku.customers import selectors as customer_selectors

    outcomes = run.outcomes.all()
    if only == "failed":
        outcomes = outcomes.filter(action="failed")
    elif only in ("duplicates", "warnings"):
        outcomes = outcomes.filter(changes__has_key=only)
    rows = list(outcomes[:limit])
    names: dict[int, str] = {}
    if run.target == ImportTarget.COMPANY:
        ids = {o.company_id for o in rows if o.company_id}
        if ids:
            names = {
                c.pk: c.display_name
                for c in customer_selectors.companies_queryset(user)
                .filter(pk__in=ids)
                .only("id", "name", "legal_form", "legal_form_position")
            }
    else:
        ids = {o.person_id for o in rows if o.person_id}
        if ids:
            names = {
                p.pk: p.full_name
                for p in customer_selectors.people_queryset(user)
                .filter(pk__in=ids)
                .only("id", "family_name", "given_name")
            }
    for outcome in rows:
        # shown beside the row, never saved
        outcome.customer_name = names.get(outcome.company_id or outcome.person_id or 0, "")  # type: ignore[attr-defined]
    return rows
