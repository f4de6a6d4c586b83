"""Decisions on duplicate groups: merge a group into one record, or remember that its
records are different customers."""

from __future__ import annotations

from itertools import combinations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, ensure_can, is_user
from daifuku.core import audit, jobs
from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.core.models import JobRun

from ...models import Company, DuplicateGroup, MergeJournal, NotDuplicate, Person
from ..jobs import dedup_scan
from .merge import merge_companies, merge_people


def _open(group: DuplicateGroup) -> DuplicateGroup:
    current = DuplicateGroup.objects.select_for_update().get(pk=group.pk)
    if current.status != DuplicateGroup.Status.OPEN:
        raise DomainError(
            _("This candidate was already decided."), code="already_decided", status=409
        )
    return current


def _members(group: DuplicateGroup) -> list:
    model = Person if group.entity_type == "person" else Company
    found = {o.pk: o for o in model.objects.filter(pk__in=group.member_ids)}
    return [found[pk] for pk in group.member_ids if pk in found]


@transaction.atomic
def merge_group(
    *,
    actor,
    group: DuplicateGroup,
    survivor_id: int,
    choices: dict[str, str] | None = None,
    loser_ids: list[int] | None = None,
) -> list[MergeJournal]:
    """Merge the group's other records (or ``loser_ids`` among them) into ``survivor_id``.
    ``choices`` ({field: "loser"}) applies to the first merged record; later ones fill blanks."""
    group = _open(group)
    if survivor_id not in group.member_ids:
        raise DomainError(
            _("Choose the surviving record among the group's records."),
            code="invalid_survivor",
            status=422,
        )
    members = {m.pk: m for m in _members(group)}
    if survivor_id not in members:
        raise DomainError(
            _("One of the records no longer exists (already merged or in the trash)."),
            code="merge_gone",
            status=409,
        )
    losers = [
        pk for pk in (loser_ids or group.member_ids) if pk != survivor_id and pk in group.member_ids
    ]
    merge = merge_people if group.entity_type == "person" else merge_companies
    journals = []
    for index, pk in enumerate(losers):
        if pk not in members:
            continue
        journals.append(
            merge(
                actor=actor,
                survivor=members[survivor_id],
                loser=members[pk],
                choices=(choices or {}) if index == 0 else {},
                group=group,
            )
        )
    remaining = [pk for pk in group.member_ids if pk == survivor_id or pk not in losers]
    if len(remaining) < 2:
        group.status, group.resolved_at = DuplicateGroup.Status.MERGED, timezone.now()
        group.resolved_by = actor if is_user(actor) else None
    else:
        group.member_ids = remaining
        group.key = f"{group.entity_type}:" + ",".join(str(m) for m in sorted(remaining))
        group.members.exclude(**{f"{group.entity_type}_id__in": remaining}).delete()
    group.save()
    return journals


@transaction.atomic
def dismiss_group(*, actor, group: DuplicateGroup) -> DuplicateGroup:
    """「別人です」: remember every pair of the group as different customers, so no scan or
    import proposes them again."""
    group = _open(group)
    for member in _members(group):
        ensure_can(actor, CHANGE, member)
    user = actor if is_user(actor) else None
    for first, second in combinations(sorted(group.member_ids), 2):
        NotDuplicate.objects.get_or_create(
            entity_type=group.entity_type,
            first_id=first,
            second_id=second,
            defaults={"decided_by": user},
        )
    group.status, group.resolved_at, group.resolved_by = (
        DuplicateGroup.Status.DISMISSED,
        timezone.now(),
        user,
    )
    group.save()
    audit.record(
        actor=actor,
        action="not_duplicate",
        obj=group,
        changes={"members": [None, group.member_ids]},
    )
    return group


# --- the scan as a job --------------------------------------------------------------------


@transaction.atomic
def start_scan(*, actor, entity_type: str = "person") -> JobRun:
    """Queue a scan of people or companies; the UI polls the returned job."""
    if entity_type not in ("person", "company"):
        raise ValidationFailed({"type": [_("Choose people or companies.")]})
    job = jobs.start_job(kind="dedup_scan", actor=actor, parameters={"entity_type": entity_type})
    transaction.on_commit(lambda: dedup_scan.enqueue(job.pk, entity_type))
    return job
