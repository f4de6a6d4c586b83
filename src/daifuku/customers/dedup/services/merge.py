"""Merging two records of the same customer, and undoing it (docs/architecture.md: merge keeps
everything).

``merge_people`` / ``merge_companies`` move every related row of the loser to the survivor
— the customer ledger's own (emails, phones, family, company links, tags, consent, stage
history, custom fields) and, through the ``customer.merging`` event, every other domain's
(touches, deals, orders, inquiries …) — journal each moved row, soft-delete the loser and
take it out of search. ``undo_merge`` reverses the journal exactly; when something changed
after the merge it raises a conflict that names it instead of overwriting.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.db.models import F, Field
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, ensure_can, is_user
from daifuku.core import audit, events
from daifuku.core.errors import DomainError, ValidationFailed

from ...models import (
    Company,
    Consent,
    Contact,
    DuplicateGroup,
    DuplicateMember,
    EmailAddress,
    HouseholdMember,
    MergeJournal,
    Person,
    PhoneNumber,
    RelationshipStageChange,
)
from ...search_index import company_sort_kana, index_company, index_person, person_sort_kana
from ...services.companies import AUDITED_FIELDS as COMPANY_AUDITED
from ...services.people import AUDITED_FIELDS as PERSON_AUDITED
from . import journal as journal_ops

# a 名寄せ works the same on people and companies: the fields both have
Customer = Person | Company


def _attname(model: type[Customer], name: str) -> str:
    """The column attribute of a concrete field of the customer model."""
    return cast(Field, model._meta.get_field(name)).attname


# The fields a merge chooses between: what the ledger's services audit, so a field added
# there (会員番号 was) is merged too; custom fields are merged key by key (``_choose``).
PERSON_FIELDS = tuple(f for f in PERSON_AUDITED if f != "custom_fields")
COMPANY_FIELDS = tuple(f for f in COMPANY_AUDITED if f != "custom_fields")


def _blank(value) -> bool:
    return value in (None, "", [], {})


def _choose(survivor: Customer, loser: Customer, fields, choices: dict[str, str]) -> dict[str, Any]:
    """New survivor values: a field chosen "loser" takes the loser's value; any other
    field keeps the survivor's, except that an empty survivor field is filled from the loser."""
    unknown = set(choices) - set(fields) - {"custom_fields"}
    bad = {k: v for k, v in choices.items() if v not in ("survivor", "loser")}
    if unknown or bad:
        raise ValidationFailed(
            {
                name: [_("Choose the survivor's or the other record's value.")]
                for name in sorted(unknown | set(bad))
            },
            code="invalid_choice",
        )
    values = {}
    for name in fields:
        attname = _attname(type(survivor), name)
        mine, theirs = getattr(survivor, attname), getattr(loser, attname)
        if choices.get(name) == "loser" or (
            choices.get(name) != "survivor" and _blank(mine) and not _blank(theirs)
        ):
            if mine != theirs:
                values[name] = theirs
    custom = dict(survivor.custom_fields or {})
    for key, value in (loser.custom_fields or {}).items():
        if choices.get("custom_fields") == "loser" or _blank(custom.get(key)):
            custom[key] = value
    if custom != (survivor.custom_fields or {}):
        values["custom_fields"] = custom
    return values


def _apply(obj: Customer, values: dict[str, Any]) -> dict[str, list]:
    changes = {}
    for name, value in values.items():
        attname = _attname(type(obj), name)
        changes[name] = [audit._plain(getattr(obj, attname)), audit._plain(value)]
        setattr(obj, attname, value)
    return changes


def _lock_pair(model, survivor_id: int, loser_id: int):
    rows = {
        o.pk: o for o in model.objects.select_for_update().filter(pk__in=[survivor_id, loser_id])
    }
    if survivor_id == loser_id:
        raise DomainError(
            _("A record cannot be merged into itself."), code="merge_same", status=422
        )
    if survivor_id not in rows or loser_id not in rows:
        raise DomainError(
            _("One of the records no longer exists (already merged or in the trash)."),
            code="merge_gone",
            status=409,
        )
    return rows[survivor_id], rows[loser_id]


def _soft_delete(obj: Customer, actor) -> None:
    obj.deleted_at = timezone.now()
    obj.deleted_by = actor if is_user(actor) else None
    obj.version = F("version") + 1
    obj.save(update_fields=["deleted_at", "deleted_by", "version"])
    obj.refresh_from_db(fields=["version"])


def _save_survivor(obj: Customer, changes: dict) -> None:
    obj.updated_at = timezone.now()
    obj.version = F("version") + 1
    obj.save()
    obj.refresh_from_db(fields=["version"])


def _settle_groups(entity_type: str, loser_id: int, group: DuplicateGroup | None, actor) -> None:
    """Other open groups lose the merged-away record (the group being merged is settled
    by :func:`merge_group`)."""
    member_filter = {"person_id": loser_id} if entity_type == "person" else {"company_id": loser_id}
    others = DuplicateGroup.objects.filter(
        status="open", members__in=DuplicateMember.objects.filter(**member_filter)
    )
    if group is not None:
        others = others.exclude(pk=group.pk)
    for other in others.distinct():
        remaining = [m for m in other.member_ids if m != loser_id]
        key = f"{entity_type}:" + ",".join(str(m) for m in sorted(remaining))
        if (
            len(remaining) < 2
            or DuplicateGroup.objects.filter(key=key, status="open").exclude(pk=other.pk).exists()
        ):
            other.status, other.resolved_at = "merged", timezone.now()
            other.resolved_by = actor if is_user(actor) else None
        else:
            other.member_ids, other.key = remaining, key
        other.save()
        DuplicateMember.objects.filter(group=other, **member_filter).delete()


def _move_person_rows(j: MergeJournal, survivor: Person, loser: Person) -> None:
    move, delete = journal_ops.move_rows, journal_ops.delete_rows
    have = set(EmailAddress.objects.filter(person=survivor).values_list("address", flat=True))
    delete(j, EmailAddress.objects.filter(person=loser, address__in=have))
    move(
        j,
        EmailAddress.objects.filter(person=loser),
        "person",
        survivor.pk,
        also={"is_primary": False},
    )
    have = set(PhoneNumber.objects.filter(person=survivor).values_list("e164", flat=True))
    delete(j, PhoneNumber.objects.filter(person=loser, e164__in=have))
    move(
        j,
        PhoneNumber.objects.filter(person=loser),
        "person",
        survivor.pk,
        also={"is_primary": False},
    )
    move(j, HouseholdMember.objects.filter(person=loser), "person", survivor.pk)
    move(
        j,
        HouseholdMember.objects.filter(linked_person=loser).exclude(person=survivor),
        "linked_person",
        survivor.pk,
    )
    companies = set(Contact.objects.filter(person=survivor).values_list("company_id", flat=True))
    delete(j, Contact.objects.filter(person=loser, company_id__in=companies))
    move(j, Contact.objects.filter(person=loser), "person", survivor.pk)
    through = Person.tags.through
    tags = set(through.objects.filter(person_id=survivor.pk).values_list("tag_id", flat=True))
    delete(j, through.objects.filter(person_id=loser.pk, tag_id__in=tags))
    move(j, through.objects.filter(person_id=loser.pk), "person", survivor.pk)
    # Consent: per channel the most recent decision is the customer's current wish.
    mine = {c.channel: c for c in Consent.objects.filter(person=survivor)}
    for theirs in Consent.objects.filter(person=loser):
        current = mine.get(theirs.channel)
        if current is None:
            continue
        if theirs.recorded_at > current.recorded_at:
            delete(j, Consent.objects.filter(pk=current.pk))
        else:
            delete(j, Consent.objects.filter(pk=theirs.pk))
    move(j, Consent.objects.filter(person=loser), "person", survivor.pk)
    move(j, RelationshipStageChange.objects.filter(person=loser), "person", survivor.pk)


def _move_company_rows(j: MergeJournal, survivor: Company, loser: Company) -> None:
    move, delete = journal_ops.move_rows, journal_ops.delete_rows
    have = set(EmailAddress.objects.filter(company=survivor).values_list("address", flat=True))
    delete(j, EmailAddress.objects.filter(company=loser, address__in=have))
    move(
        j,
        EmailAddress.objects.filter(company=loser),
        "company",
        survivor.pk,
        also={"is_primary": False},
    )
    have = set(PhoneNumber.objects.filter(company=survivor).values_list("e164", flat=True))
    delete(j, PhoneNumber.objects.filter(company=loser, e164__in=have))
    move(
        j,
        PhoneNumber.objects.filter(company=loser),
        "company",
        survivor.pk,
        also={"is_primary": False},
    )
    people = set(Contact.objects.filter(company=survivor).values_list("person_id", flat=True))
    delete(j, Contact.objects.filter(company=loser, person_id__in=people))
    move(j, Contact.objects.filter(company=loser), "company", survivor.pk)
    through = Company.tags.through
    tags = set(through.objects.filter(company_id=survivor.pk).values_list("tag_id", flat=True))
    delete(j, through.objects.filter(company_id=loser.pk, tag_id__in=tags))
    move(j, through.objects.filter(company_id=loser.pk), "company", survivor.pk)


@transaction.atomic
def merge_people(
    *,
    actor,
    survivor: Person,
    loser: Person,
    choices: dict[str, str] | None = None,
    group: DuplicateGroup | None = None,
) -> MergeJournal:
    """Merge ``loser`` into ``survivor``. ``choices`` maps a field to ``"loser"`` to take the
    other record's value (default: keep the survivor's, fill its empty fields)."""
    survivor, loser = _lock_pair(Person, survivor.pk, loser.pk)
    ensure_can(actor, CHANGE, survivor)
    ensure_can(actor, CHANGE, loser)
    values = _choose(survivor, loser, PERSON_FIELDS, choices or {})
    j = MergeJournal.objects.create(
        entity_type="person",
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        group=group,
        merged_by=actor if is_user(actor) else None,
    )
    _move_person_rows(j, survivor, loser)
    events.gather(
        "customer.merging",
        entity="person",
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        journal_id=j.pk,
    )
    _soft_delete(loser, actor)
    index_person(loser)
    changes = _apply(survivor, values)
    survivor.sort_kana = person_sort_kana(
        survivor.family_name, survivor.given_name, survivor.family_kana, survivor.given_kana
    )
    _save_survivor(survivor, changes)
    index_person(survivor)
    j.field_changes = changes
    j.save(update_fields=["field_changes"])
    _record(actor, survivor, loser, j, changes)
    _settle_groups("person", loser.pk, group, actor)
    events.emit(
        "customer.merged",
        entity="person",
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        journal_id=j.pk,
    )
    return j


@transaction.atomic
def merge_companies(
    *,
    actor,
    survivor: Company,
    loser: Company,
    choices: dict[str, str] | None = None,
    group: DuplicateGroup | None = None,
) -> MergeJournal:
    """Merge company ``loser`` into ``survivor`` (contacts, emails, phones, tags and other
    domains' rows through ``customer.merging``)."""
    survivor, loser = _lock_pair(Company, survivor.pk, loser.pk)
    ensure_can(actor, CHANGE, survivor)
    ensure_can(actor, CHANGE, loser)
    values = _choose(survivor, loser, COMPANY_FIELDS, choices or {})
    j = MergeJournal.objects.create(
        entity_type="company",
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        group=group,
        merged_by=actor if is_user(actor) else None,
    )
    _move_company_rows(j, survivor, loser)
    events.gather(
        "customer.merging",
        entity="company",
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        journal_id=j.pk,
    )
    _soft_delete(loser, actor)  # first: the corporate number is unique among live companies
    index_company(loser)
    changes = _apply(survivor, values)
    survivor.sort_kana = company_sort_kana(survivor.name, survivor.kana)
    _save_survivor(survivor, changes)
    index_company(survivor)
    j.field_changes = changes
    j.save(update_fields=["field_changes"])
    _record(actor, survivor, loser, j, changes)
    _settle_groups("company", loser.pk, group, actor)
    events.emit(
        "customer.merged",
        entity="company",
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        journal_id=j.pk,
    )
    return j


def _record(actor, survivor, loser, j: MergeJournal, changes: dict) -> None:
    moved = j.entries.count()
    audit.record(
        actor=actor,
        action="merge",
        obj=survivor,
        changes={**changes, "merged_from": [None, loser.pk]},
        note=f"journal {j.pk}: {moved} related rows",
    )
    audit.record(
        actor=actor,
        action="delete",
        obj=loser,
        changes={"merged_into": [None, survivor.pk]},
        note=f"merged into #{survivor.pk} (journal {j.pk})",
    )


class UndoConflict(DomainError):
    """Something changed after the merge; undoing would overwrite it."""

    code = "undo_conflict"
    status = 409


@transaction.atomic
def undo_merge(*, actor, journal: MergeJournal) -> MergeJournal:
    """Reverse a merge exactly: survivor fields back, every moved row back, deleted rows
    recreated, the other record restored. Raises :class:`UndoConflict` listing what changed
    since the merge (nothing is written then)."""
    j = MergeJournal.objects.select_for_update().get(pk=journal.pk)
    if j.status != MergeJournal.Status.MERGED:
        raise DomainError(_("This merge was already undone."), code="already_undone", status=409)
    model = Person if j.entity_type == "person" else Company
    survivor = model.all_objects.select_for_update().get(pk=j.survivor_id)
    loser = model.all_objects.select_for_update().get(pk=j.loser_id)
    ensure_can(actor, CHANGE, survivor)
    problems = journal_ops.conflicts(j)
    for name, (_old, new) in j.field_changes.items():
        attname = _attname(model, name)
        if audit._plain(getattr(survivor, attname)) != new:
            problems.setdefault(name, []).append(
                _("Changed after the merge (now “%(value)s”).")
                % {"value": getattr(survivor, attname)}
            )
    if survivor.deleted_at is not None:
        problems.setdefault("__all__", []).append(_("The surviving record is in the trash."))
    if problems:
        raise UndoConflict(
            _("The records changed after the merge, so it cannot be undone automatically."),
            errors=problems,
        )
    events.gather(
        "customer.unmerging",
        entity=j.entity_type,
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        journal_id=j.pk,
    )
    journal_ops.reverse(j)
    changes = _apply(survivor, {name: old for name, (old, _new) in j.field_changes.items()})
    if isinstance(survivor, Person):
        survivor.sort_kana = person_sort_kana(
            survivor.family_name, survivor.given_name, survivor.family_kana, survivor.given_kana
        )
    else:
        survivor.sort_kana = company_sort_kana(survivor.name, survivor.kana)
    _save_survivor(survivor, changes)
    loser.deleted_at, loser.deleted_by = None, None
    loser.version = F("version") + 1
    loser.save(update_fields=["deleted_at", "deleted_by", "version"])
    loser.refresh_from_db(fields=["version"])
    index = index_person if j.entity_type == "person" else index_company
    index(survivor)
    index(loser)
    j.status, j.undone_at, j.undone_by = (
        MergeJournal.Status.UNDONE,
        timezone.now(),
        actor if is_user(actor) else None,
    )
    j.save(update_fields=["status", "undone_at", "undone_by"])
    audit.record(
        actor=actor,
        action="unmerge",
        obj=survivor,
        changes={**changes, "unmerged": [loser.pk, None]},
        note=f"journal {j.pk}",
    )
    audit.record(
        actor=actor,
        action="restore",
        obj=loser,
        note=f"merge into #{survivor.pk} undone (journal {j.pk})",
    )
    group = j.group
    if (
        group is not None
        and not DuplicateGroup.objects.filter(key=group.key, status="open").exists()
    ):
        DuplicateGroup.objects.filter(pk=group.pk).update(
            status="open", resolved_at=None, resolved_by=None
        )
    events.emit(
        "customer.unmerged",
        entity=j.entity_type,
        survivor_id=survivor.pk,
        loser_id=loser.pk,
        journal_id=j.pk,
    )
    return j
