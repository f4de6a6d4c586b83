"""Undoing a person import (the body of the ``undo_import`` job, imports.jobs).

A company import is undone by :func:`daifuku.imports.companies.undo`.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.utils import timezone

from daifuku.accounts.permissions import is_user
from daifuku.core import audit, jobs, search
from daifuku.core.errors import DomainError
from daifuku.customers import services as customer_services
from daifuku.customers.models import Company, Contact, Person
from daifuku.customers.search_index import PERSON
from daifuku.customers.services.people import AUDITED_FIELDS

from .models import ExternalId, ImportRun
from .prepare import custom_restore


def undo_people(run: ImportRun, actor, job) -> dict:
    """Undo a person import: the people its batches created go to the trash (and their
    external ids with them), the customers it updated get back the values it replaced —
    unless someone changed them since (a conflict, counted) — and the companies its
    会社名 column created follow the people when nothing else holds on to them."""
    user = actor if is_user(actor) else None
    removed = 0
    for batch in run.batches.exclude(created_first_id=None):
        ids = list(
            Person.objects.filter(
                pk__gte=batch.created_first_id, pk__lte=batch.created_last_id
            ).values_list("pk", flat=True)
        )
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            Person.objects.filter(pk__in=chunk).update(
                deleted_at=timezone.now(), deleted_by=user, version=F("version") + 1
            )
            for pk in chunk:
                search.remove_document(PERSON, pk)
            # the ids came with the import and leave with it: importing the file again matches nobody
            ExternalId.objects.filter(person_id__in=chunk).delete()
        removed += len(ids)
        if job:
            jobs.report_progress(job, removed)
    reverted, conflicts = 0, 0
    for outcome in run.outcomes.filter(action="updated").exclude(person_id=None):
        person = Person.objects.filter(pk=outcome.person_id).first()
        if person is None or "same_as_row" in outcome.changes:
            continue
        restore = {}
        for name, pair in outcome.changes.items():
            if name not in AUDITED_FIELDS and name not in ("emails", "phones", "tags"):
                continue  # what the row said, not a value it replaced (warnings)
            old, new = pair
            if name in ("emails", "phones", "tags"):
                current = _current_list(person, name)
                if current == new:
                    restore[name] = old
                else:
                    conflicts += 1
            elif audit.snapshot(person, [name])[name] == new:
                restore[name] = (
                    custom_restore(old, new)
                    if name == "custom_fields"
                    else old
                    if old is not None
                    else ""
                )
            else:
                conflicts += 1
        if restore:
            customer_services.update_person(actor=actor, person=person, data=restore)
            reverted += 1
    if removed:
        audit.record(
            actor=actor,
            action="delete",
            object_type="customers.person",
            object_repr=run.original_name[:200],
            changes={"people": [removed, None]},
            note=f"undo of import {run.batch_id}",
        )
    companies_removed, companies_kept = _undo_created_companies(run, actor)
    return {
        "removed": removed,
        "reverted": reverted,
        "conflicts": conflicts,
        "companies_removed": companies_removed,
        "companies_kept": companies_kept,
    }


def _undo_created_companies(run: ImportRun, actor) -> tuple[int, int]:
    """The companies the file's 会社名 column created go to the trash with the people —
    unless they have become more than the import made: a company someone has edited since
    (its version moved), or one that other data now points at (a contact of a person this
    import did not create, a deal, an activity, an e-mail, a tag …). Those are kept: taking
    them away would take other people's work with them. ``(removed, kept)``."""
    ids = [pk for batch in run.batches.all() for pk in batch.created_company_ids]
    if not ids:
        return 0, 0
    ranges = Q()
    for batch in run.batches.exclude(created_first_id=None):
        ranges |= Q(person_id__gte=batch.created_first_id, person_id__lte=batch.created_last_id)
    removed = kept = 0
    for company in Company.objects.filter(pk__in=ids).order_by("pk"):
        if company.version > 1 or _referenced(company, ranges):
            kept += 1
            continue
        try:
            customer_services.delete_company(actor=actor, company=company)
            removed += 1
        except DomainError:
            kept += 1  # no longer the undoer's to delete
    return removed, kept


def _referenced(company: Company, own_people: Q) -> bool:
    """Whether anything but this import's own people points at ``company`` (every relation
    of every app, trashed rows included)."""
    if company.tags.exists():
        return True
    for relation in Company._meta.related_objects:
        rows = relation.related_model._base_manager.filter(**{relation.field.name: company})
        if relation.related_model is Contact and own_people:
            rows = rows.exclude(own_people)
        if rows.exists():
            return True
    return False


def _current_list(person: Person, name: str) -> list[str]:
    if name == "emails":
        return list(person.emails.values_list("address", flat=True))
    if name == "phones":
        return list(person.phones.values_list("number", flat=True))
    return list(person.tags.values_list("name", flat=True))
