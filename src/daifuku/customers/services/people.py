"""Creating, changing, trashing and restoring individual customers."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from daifuku.accounts.permissions import CHANGE, DELETE, check_version, ensure_can, is_user
from daifuku.core import audit, events
from daifuku.core.errors import ValidationFailed

from ..custom_fields import clean_custom_values
from ..models import Person, RelationshipStageChange
from ..search_index import index_person, person_sort_kana
from ..validation import clean_emails, clean_person, clean_phones
from .common import (
    clean_ownership,
    fill_address_from_postal_code,
    replace_emails,
    replace_phones,
    replace_tags,
)

# The import pipeline fills addresses the same way (imports.prepare imports this name).
_fill_from_postal_code = fill_address_from_postal_code

AUDITED_FIELDS = (
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "birthday",
    "gender",
    "postal_code",
    "prefecture",
    "city",
    "address_line",
    "building",
    "preferences",
    "notes",
    "member_number",
    "relationship_stage",
    "lifecycle",
    "source_channel",
    "owner",
    "team",
    "custom_fields",
)
NAME_FIELDS = {"family_name", "given_name", "family_kana", "given_kana"}


def validate_person_data(
    data: dict[str, Any], *, creating: bool, current: Person | None = None
) -> dict[str, Any]:
    """Every check a create (or an update of ``current``) would make, without writing:
    the cleaned field values, or :class:`ValidationFailed` with all field errors. Forms use
    it to validate as the user types."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    emails = _emails_of(data)
    phones = _phones_of(data)
    steps = [
        lambda: values.update(clean_person(data, creating=creating)),
        lambda: values.update(clean_ownership(data)),
        lambda: emails and clean_emails(emails),
        lambda: phones and clean_phones(phones),
    ]
    if creating or "custom_fields" in data:
        steps.append(
            lambda: values.__setitem__(
                "custom_fields",
                clean_custom_values(
                    "person",
                    data.get("custom_fields"),
                    current=current.custom_fields if current else None,
                    creating=creating,
                ),
            )
        )
    for step in steps:
        try:
            step()
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def create_person(*, actor, data: dict[str, Any]) -> Person:
    """Add an individual customer to the ledger.

    ``data`` holds the person's fields plus optional ``emails``/``phones`` (lists; the
    singular ``email``/``phone`` are accepted too), ``tags``, ``custom_fields``, ``owner``
    and ``team``. The actor becomes the owner unless one is given."""
    data = dict(data)
    values = validate_person_data(data, creating=True)
    emails, phones = _emails_of(data), _phones_of(data)
    if "owner" not in values and is_user(actor):
        values["owner"] = actor
        values.setdefault("team", actor.team)
    fill_address_from_postal_code(values)
    person = Person(**values)
    person.sort_kana = person_sort_kana(
        person.family_name, person.given_name, person.family_kana, person.given_kana
    )
    person.save()
    changes = audit.diff({}, audit.snapshot(person, AUDITED_FIELDS))
    if emails:
        changes["emails"] = [None, replace_emails("person", person, emails)[1]]
    if phones:
        changes["phones"] = [None, replace_phones("person", person, phones)[1]]
    if data.get("tags"):
        changes["tags"] = [None, replace_tags(person, data["tags"])[1]]
    RelationshipStageChange.objects.create(
        person=person,
        stage=person.relationship_stage,
        reached_on=timezone.localdate(),
        changed_by=actor if is_user(actor) else None,
    )
    index_person(person)
    audit.record(actor=actor, action="create", obj=person, changes=changes)
    events.emit("customer.created", entity="person", entity_id=person.pk)
    return person


def _emails_of(data) -> list | None:
    if "emails" in data:
        return data["emails"] or []
    if "email" in data:
        return [data["email"]] if data["email"] else []
    return None


def _phones_of(data) -> list | None:
    if "phones" in data:
        return data["phones"] or []
    if "phone" in data:
        return [data["phone"]] if data["phone"] else []
    return None


@transaction.atomic
def update_person(
    *, actor, person: Person, data: dict[str, Any], expected_version: int | None = None
) -> Person:
    """Change a person. ``expected_version`` is the version the editor saw: if someone
    saved in between, :class:`ConflictError` is raised and nothing is written."""
    current = Person.objects.select_for_update().get(pk=person.pk)
    ensure_can(actor, CHANGE, current)
    check_version(current, expected_version)
    data = dict(data)
    before = audit.snapshot(current, AUDITED_FIELDS)
    values = validate_person_data(data, creating=False, current=current)
    emails, phones = _emails_of(data), _phones_of(data)
    changes: dict[str, list] = {}
    fill_address_from_postal_code(values, current)
    for key, value in values.items():
        setattr(current, key, value)
    current.sort_kana = person_sort_kana(
        current.family_name, current.given_name, current.family_kana, current.given_kana
    )
    changes.update(audit.diff(before, audit.snapshot(current, AUDITED_FIELDS)))
    if emails is not None:
        old, new = replace_emails("person", current, emails)
        if old != new:
            changes["emails"] = [old, new]
    if phones is not None:
        old, new = replace_phones("person", current, phones)
        if old != new:
            changes["phones"] = [old, new]
    if "tags" in data:
        old, new = replace_tags(current, data["tags"])
        if old != new:
            changes["tags"] = [old, new]
    if not changes:
        return current
    current.updated_at = timezone.now()
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db(fields=["version"])
    if "relationship_stage" in changes:
        RelationshipStageChange.objects.create(
            person=current,
            stage=current.relationship_stage,
            reached_on=timezone.localdate(),
            changed_by=actor if is_user(actor) else None,
        )
    if NAME_FIELDS & set(changes):
        index_person(current)
    audit.record(actor=actor, action="update", obj=current, changes=changes)
    events.emit("customer.updated", entity="person", entity_id=current.pk, fields=sorted(changes))
    return current


@transaction.atomic
def delete_person(*, actor, person: Person) -> Person:
    """Move a person to the trash: gone from lists, search and the API, restorable."""
    current = Person.objects.select_for_update().get(pk=person.pk)
    ensure_can(actor, DELETE, current)
    current.deleted_at = timezone.now()
    current.deleted_by = actor if is_user(actor) else None
    current.version = F("version") + 1
    current.save(update_fields=["deleted_at", "deleted_by", "version"])
    current.refresh_from_db(fields=["version"])
    index_person(current)
    audit.record(actor=actor, action="delete", obj=current)
    events.emit("customer.deleted", entity="person", entity_id=current.pk)
    return current


@transaction.atomic
def restore_person(*, actor, person: Person) -> Person:
    current = Person.all_objects.select_for_update().get(pk=person.pk)
    if current.deleted_at is None:
        return current
    current.deleted_at = None
    current.deleted_by = None
    current.version = F("version") + 1
    current.save(update_fields=["deleted_at", "deleted_by", "version"])
    current.refresh_from_db(fields=["version"])
    ensure_can(actor, DELETE, current)
    index_person(current)
    audit.record(actor=actor, action="restore", obj=current)
    events.emit("customer.restored", entity="person", entity_id=current.pk)
    return current
