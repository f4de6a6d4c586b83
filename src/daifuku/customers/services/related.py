"""Writes to what hangs off a customer: company contacts, family, consent, tags and the
custom field definitions."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from daifuku.accounts.permissions import CHANGE, ensure_can, is_user
from daifuku.core import audit, events
from daifuku.core.errors import DomainError, PermissionDenied, ValidationFailed
from daifuku.core.japanese import normalize_text, strip_invisible

from ..custom_fields import suggest_key
from ..models import Company, Consent, Contact, CustomFieldDefinition, HouseholdMember, Person, Tag
from ..models.consent import Channel, ConsentMethod, ConsentStatus
from ..models.custom_fields import FieldType, Target
from ..models.people import HouseholdRelation
from ..validation import Errors, _kana, _text, parse_date

CONTACT_FIELDS = ("department", "title", "is_key_person", "notes")
HOUSEHOLD_FIELDS = ("name", "kana", "relation", "birthday", "notes", "linked_person")


def _clean_contact(data: dict[str, Any]) -> dict[str, Any]:
    errors = Errors()
    values: dict[str, Any] = {}
    for key in ("department", "title"):
        if key in data:
            values[key] = _text(data, key, errors, max_length=100)
    if "notes" in data:
        values["notes"] = _text(data, "notes", errors, max_length=300)
    if "is_key_person" in data:
        values["is_key_person"] = bool(data["is_key_person"])
    errors.raise_if_any()
    return values


@transaction.atomic
def add_contact(
    *, actor, person: Person, company: Company, data: dict[str, Any] | None = None
) -> Contact:
    """Record that ``person`` works at ``company`` (department, title, key person)."""
    ensure_can(actor, CHANGE, person)
    if Contact.objects.filter(person=person, company=company).exists():
        raise ValidationFailed(
            {"company": [_("This person is already linked to this company.")]}, code="duplicate"
        )
    contact = Contact.objects.create(person=person, company=company, **_clean_contact(data or {}))
    audit.record(
        actor=actor,
        action="create",
        obj=contact,
        subject=person,
        changes={
            "company": [None, company.pk],
            **{k: [None, getattr(contact, k)] for k in CONTACT_FIELDS},
        },
    )
    return contact


@transaction.atomic
def update_contact(*, actor, contact: Contact, data: dict[str, Any]) -> Contact:
    ensure_can(actor, CHANGE, contact.person)
    before = audit.snapshot(contact, CONTACT_FIELDS)
    for key, value in _clean_contact(data).items():
        setattr(contact, key, value)
    contact.save()
    changes = audit.diff(before, audit.snapshot(contact, CONTACT_FIELDS))
    if changes:
        audit.record(
            actor=actor, action="update", obj=contact, subject=contact.person, changes=changes
        )
    return contact


@transaction.atomic
def remove_contact(*, actor, contact: Contact) -> None:
    ensure_can(actor, CHANGE, contact.person)
    audit.record(
        actor=actor,
        action="delete",
        obj=contact,
        subject=contact.person,
        changes={"company": [contact.company_id, None]},
    )
    contact.delete()


def _clean_household(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors = Errors()
    values: dict[str, Any] = {}
    if creating or "name" in data:
        values["name"] = _text(data, "name", errors, max_length=100, required=True)
    if "kana" in data:
        values["kana"] = _kana(data, "kana", errors)
    if creating or "relation" in data:
        relation = HouseholdRelation.parse(data.get("relation"))
        if relation is None:
            # the labels in the user's language (配偶者、子、親 …), not the codes
            separator = pgettext("list separator", ", ")
            errors.add(
                "relation",
                _("Choose one of: %(choices)s.")
                % {"choices": separator.join(str(label) for label in HouseholdRelation.labels)},
            )
        values["relation"] = relation or ""
    if "birthday" in data:
        values["birthday"] = parse_date(data.get("birthday"), "birthday", errors, past_only=True)
    if "notes" in data:
        values["notes"] = _text(data, "notes", errors, max_length=300)
    if "linked_person" in data:
        linked = data["linked_person"]
        if linked is not None and not isinstance(linked, Person):
            linked = Person.objects.filter(pk=linked).first()
            if linked is None:
                errors.add("linked_person", _("Unknown customer."))
        values["linked_person"] = linked
    errors.raise_if_any()
    return values


@transaction.atomic
def add_household_member(*, actor, person: Person, data: dict[str, Any]) -> HouseholdMember:
    """Note a family member (seed 004: 家族構成) — name, relation, birthday."""
    ensure_can(actor, CHANGE, person)
    member = HouseholdMember.objects.create(person=person, **_clean_household(data, creating=True))
    audit.record(
        actor=actor,
        action="create",
        obj=member,
        subject=person,
        changes=audit.diff({}, audit.snapshot(member, HOUSEHOLD_FIELDS)),
    )
    return member


@transaction.atomic
def update_household_member(
    *, actor, member: HouseholdMember, data: dict[str, Any]
) -> HouseholdMember:
    ensure_can(actor, CHANGE, member.person)
    before = audit.snapshot(member, HOUSEHOLD_FIELDS)
    for key, value in _clean_household(data, creating=False).items():
        setattr(member, key, value)
    member.save()
    changes = audit.diff(before, audit.snapshot(member, HOUSEHOLD_FIELDS))
    if changes:
        audit.record(
            actor=actor, action="update", obj=member, subject=member.person, changes=changes
        )
    return member


@transaction.atomic
def remove_household_member(*, actor, member: HouseholdMember) -> None:
    ensure_can(actor, CHANGE, member.person)
    audit.record(
        actor=actor,
        action="delete",
        obj=member,
        subject=member.person,
        changes={"name": [member.name, None]},
    )
    member.delete()


@transaction.atomic
def record_consent(
    *,
    actor,
    person: Person,
    channel: str,
    status: str,
    method: str,
    evidence: str,
    recorded_at=None,
) -> Consent:
    """Record that ``person`` opted in or out of ``channel``. Evidence is mandatory: under
    特定電子メール法 the sender must be able to show how consent was obtained."""
    ensure_can(actor, CHANGE, person)
    errors = Errors()
    if channel not in Channel.values:
        errors.add(
            "channel", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Channel.values)}
        )
    if status not in ConsentStatus.values:
        errors.add(
            "status",
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(ConsentStatus.values)},
        )
    if method not in ConsentMethod.values:
        errors.add(
            "method",
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(ConsentMethod.values)},
        )
    evidence = strip_invisible(evidence).strip()
    if not evidence:
        errors.add("evidence", _("Describe the evidence of this consent (form, paper, call…)."))
    errors.raise_if_any()
    consent = Consent.objects.filter(person=person, channel=channel).first()
    before = audit.snapshot(consent, ("status", "method", "evidence")) if consent else {}
    if consent is None:
        consent = Consent(person=person, channel=channel)
    consent.status = status
    consent.method = method
    consent.evidence = evidence[:2000]
    consent.recorded_at = recorded_at or timezone.now()
    consent.recorded_by = actor if is_user(actor) else None
    consent.save()
    changes = audit.diff(before, audit.snapshot(consent, ("status", "method", "evidence")))
    audit.record(
        actor=actor,
        action="consent",
        obj=consent,
        subject=person,
        changes={"channel": [channel, channel], **changes},
    )
    # segments on consent (「メール許諾あり」) follow at once; the mail law reads the ledger
    events.emit("customer.consent_changed", person_id=person.pk, channel=channel, status=status)
    return consent


def _require_admin(actor) -> None:
    if is_user(actor) and not (actor.is_admin or actor.is_manager):
        raise PermissionDenied(_("Only managers and administrators can do this."))


@transaction.atomic
def create_tag(*, actor, name: str, color: str = "#6b7280") -> Tag:
    name = normalize_text(name)
    if not name or len(name) > 50:
        raise ValidationFailed({"name": [_("Enter a tag name of at most 50 characters.")]})
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color or ""):
        raise ValidationFailed({"color": [_("Enter a colour like #1f6feb.")]})
    if Tag.objects.filter(name=name).exists():
        raise ValidationFailed({"name": [_("This tag already exists.")]}, code="duplicate")
    tag = Tag.objects.create(name=name, color=color)
    audit.record(actor=actor, action="create", obj=tag, changes={"name": [None, name]})
    return tag


@transaction.atomic
def delete_tag(*, actor, tag: Tag) -> None:
    _require_admin(actor)
    audit.record(actor=actor, action="delete", obj=tag, changes={"name": [tag.name, None]})
    tag.delete()


def _clean_definition(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors = Errors()
    values: dict[str, Any] = {}
    if creating:
        target = data.get("target") or ""
        if target not in Target.values:
            errors.add("target", _("Choose people or companies."))
        values["target"] = target
        key = (data.get("key") or "").strip()
        if not key and target in Target.values:  # made from the label (the form shows it first)
            taken = CustomFieldDefinition.objects.filter(target=target).values_list(
                "key", flat=True
            )
            key = suggest_key(data.get("label"), taken)
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,49}", key):
            errors.add("key", _("Use lower-case letters, digits and _ (starting with a letter)."))
        values["key"] = key
        kind = data.get("field_type") or ""
        if kind not in FieldType.values:
            errors.add("field_type", _("Unknown field type."))
        values["field_type"] = kind
    if creating or "label" in data:
        values["label"] = _text(data, "label", errors, max_length=100, required=True)
    if "choices" in data or (
        creating and values.get("field_type") in (FieldType.CHOICE, FieldType.MULTI_CHOICE)
    ):
        raw = data.get("choices") or []
        if isinstance(raw, str):
            raw = raw.replace("、", ",").replace("\n", ",").split(",")
        choices = list(dict.fromkeys(normalize_text(str(c)) for c in raw if normalize_text(str(c))))
        kind = values.get("field_type") or data.get("_field_type")
        if kind in (FieldType.CHOICE, FieldType.MULTI_CHOICE) and not choices:
            errors.add("choices", _("Give at least one choice."))
        values["choices"] = choices
    for key in ("required", "is_active"):
        if key in data:
            values[key] = bool(data[key])
    if "help_text" in data:
        values["help_text"] = _text(data, "help_text", errors, max_length=200)
    if "position" in data:
        try:
            values["position"] = max(0, int(data["position"]))
        except (TypeError, ValueError):
            errors.add("position", _("Enter a whole number."))
    errors.raise_if_any()
    return values


@transaction.atomic
def define_custom_field(*, actor, data: dict[str, Any]) -> CustomFieldDefinition:
    """Add a custom field to people or companies (administrators and managers)."""
    _require_admin(actor)
    values = _clean_definition(data, creating=True)
    if CustomFieldDefinition.objects.filter(target=values["target"], key=values["key"]).exists():
        raise ValidationFailed(
            {"key": [_("A field with this key already exists.")]}, code="duplicate"
        )
    definition = CustomFieldDefinition.objects.create(**values)
    audit.record(
        actor=actor,
        action="create",
        obj=definition,
        changes={k: [None, v] for k, v in values.items()},
    )
    return definition


@transaction.atomic
def update_custom_field(
    *, actor, definition: CustomFieldDefinition, data: dict[str, Any]
) -> CustomFieldDefinition:
    _require_admin(actor)
    if (
        "key" in data
        and data["key"] != definition.key
        or "field_type" in data
        and data["field_type"] != definition.field_type
    ):
        raise DomainError(
            _("The key and type of a field cannot change; add a new field instead."),
            code="immutable_field",
            status=422,
        )
    fields = ("label", "choices", "required", "help_text", "position", "is_active")
    before = audit.snapshot(definition, fields)
    for key, value in _clean_definition(
        {**data, "_field_type": definition.field_type}, creating=False
    ).items():
        setattr(definition, key, value)
    definition.save()
    changes = audit.diff(before, audit.snapshot(definition, fields))
    if changes:
        audit.record(actor=actor, action="update", obj=definition, changes=changes)
    return definition
