"""Creating, changing, trashing and restoring companies (取引先)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, DELETE, check_version, ensure_can, is_user
from daifuku.core import audit, events
from daifuku.core.errors import ValidationFailed

from ..custom_fields import clean_custom_values
from ..models import Company
from ..search_index import company_sort_kana, index_company
from ..validation import clean_company, clean_emails, clean_phones
from .common import (
    clean_ownership,
    fill_address_from_postal_code,
    replace_emails,
    replace_phones,
    replace_tags,
)

AUDITED_FIELDS = (
    "name",
    "legal_form",
    "legal_form_position",
    "kana",
    "corporate_number",
    "industry",
    "size",
    "website",
    "notes",
    "postal_code",
    "prefecture",
    "city",
    "address_line",
    "building",
    "owner",
    "team",
    "custom_fields",
)
NAME_FIELDS = {"name", "kana"}


def _unique_corporate_number(number: str, exclude_pk: int | None = None) -> None:
    if not number:
        return
    clash = Company.objects.filter(corporate_number=number).exclude(pk=exclude_pk).first()
    if clash:
        raise ValidationFailed(
            {
                "corporate_number": [
                    _("%(company)s already has this corporate number.")
                    % {"company": clash.display_name}
                ]
            },
            code="duplicate_corporate_number",
        )


def _collect(data, creating: bool, current: Company | None):
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for step in (
        lambda: values.update(clean_company(data, creating=creating)),
        lambda: values.update(clean_ownership(data)),
        lambda: ("emails" in data or "email" in data) and clean_emails(_list(data, "email")),
        lambda: ("phones" in data or "phone" in data) and clean_phones(_list(data, "phone")),
    ):
        try:
            step()
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if creating or "custom_fields" in data:
        try:
            values["custom_fields"] = clean_custom_values(
                "company",
                data.get("custom_fields"),
                current=current.custom_fields if current else None,
                creating=creating,
            )
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return values


def _list(data, singular: str):
    plural = singular + "s"
    if plural in data:
        return data[plural] or []
    return [data[singular]] if data.get(singular) else []


@transaction.atomic
def create_company(*, actor, data: dict[str, Any]) -> Company:
    """Add a company. The name may carry its legal form in any common spelling
    (株式会社 / (株) / ㈱, before or after); it is stored apart from the name."""
    data = dict(data)
    values = _collect(data, True, None)
    fill_address_from_postal_code(values)
    _unique_corporate_number(values.get("corporate_number", ""))
    if "owner" not in values and is_user(actor):
        values["owner"] = actor
        values.setdefault("team", actor.team)
    company = Company(**values)
    company.sort_kana = company_sort_kana(company.name, company.kana)
    company.save()
    changes = audit.diff({}, audit.snapshot(company, AUDITED_FIELDS))
    if "emails" in data or "email" in data:
        changes["emails"] = [None, replace_emails("company", company, _list(data, "email"))[1]]
    if "phones" in data or "phone" in data:
        changes["phones"] = [None, replace_phones("company", company, _list(data, "phone"))[1]]
    if data.get("tags"):
        changes["tags"] = [None, replace_tags(company, data["tags"])[1]]
    index_company(company)
    audit.record(actor=actor, action="create", obj=company, changes=changes)
    events.emit("customer.created", entity="company", entity_id=company.pk)
    return company


@transaction.atomic
def update_company(
    *, actor, company: Company, data: dict[str, Any], expected_version: int | None = None
) -> Company:
    current = Company.objects.select_for_update().get(pk=company.pk)
    ensure_can(actor, CHANGE, current)
    check_version(current, expected_version)
    data = dict(data)
    before = audit.snapshot(current, AUDITED_FIELDS)
    values = _collect(data, False, current)
    fill_address_from_postal_code(values, current)
    if values.get("corporate_number"):
        _unique_corporate_number(values["corporate_number"], exclude_pk=current.pk)
    for key, value in values.items():
        setattr(current, key, value)
    current.sort_kana = company_sort_kana(current.name, current.kana)
    changes = audit.diff(before, audit.snapshot(current, AUDITED_FIELDS))
    if "emails" in data or "email" in data:
        old, new = replace_emails("company", current, _list(data, "email"))
        if old != new:
            changes["emails"] = [old, new]
    if "phones" in data or "phone" in data:
        old, new = replace_phones("company", current, _list(data, "phone"))
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
    if NAME_FIELDS & set(changes):
        index_company(current)
    audit.record(actor=actor, action="update", obj=current, changes=changes)
    events.emit("customer.updated", entity="company", entity_id=current.pk, fields=sorted(changes))
    return current


@transaction.atomic
def delete_company(*, actor, company: Company) -> Company:
    current = Company.objects.select_for_update().get(pk=company.pk)
    ensure_can(actor, DELETE, current)
    current.deleted_at = timezone.now()
    current.deleted_by = actor if is_user(actor) else None
    current.version = F("version") + 1
    current.save(update_fields=["deleted_at", "deleted_by", "version"])
    current.refresh_from_db(fields=["version"])
    index_company(current)
    audit.record(actor=actor, action="delete", obj=current)
    events.emit("customer.deleted", entity="company", entity_id=current.pk)
    return current


@transaction.atomic
def restore_company(*, actor, company: Company) -> Company:
    current = Company.all_objects.select_for_update().get(pk=company.pk)
    if current.deleted_at is None:
        return current
    _unique_corporate_number(current.corporate_number, exclude_pk=current.pk)
    current.deleted_at = None
    current.deleted_by = None
    current.version = F("version") + 1
    current.save(update_fields=["deleted_at", "deleted_by", "version"])
    current.refresh_from_db(fields=["version"])
    ensure_can(actor, DELETE, current)
    index_company(current)
    audit.record(actor=actor, action="restore", obj=current)
    events.emit("customer.restored", entity="company", entity_id=current.pk)
    return current
