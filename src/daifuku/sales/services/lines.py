"""Line items and contacts of a deal."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, ensure_can
from daifuku.core import audit
from daifuku.core.errors import NotFound, ValidationFailed

from ..models import Deal, DealContact, LineItem, Product, TaxCategory
from .common import yen

LINE_FIELDS = ("name", "quantity", "unit_price", "tax_category", "product")


def _locked_deal(actor, deal: Deal) -> Deal:
    current = Deal.objects.select_for_update().get(pk=deal.pk)
    ensure_can(actor, CHANGE, current)
    return current


def _clean_line(data: dict[str, Any], creating: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    product = None
    raw_product = data.get("product", data.get("product_id"))
    if raw_product not in (None, ""):
        product = raw_product if isinstance(raw_product, Product) else None
        if product is None:
            try:
                product = Product.objects.filter(pk=int(raw_product)).first()
            except (TypeError, ValueError):
                product = None
        if product is None:
            errors["product_id"] = [_("Unknown product.")]
        values["product"] = product
    if "name" in data or creating:
        values["name"] = str(data.get("name") or (product.name if product else "")).strip()[:200]
        if not values["name"]:
            errors["name"] = [_("Enter what is sold, or choose a product.")]
    if "quantity" in data or creating:
        try:
            values["quantity"] = int(data.get("quantity", 1))
            if not 1 <= values["quantity"] <= 1_000_000:
                raise ValueError
        except (TypeError, ValueError):
            errors["quantity"] = [_("Enter a quantity between 1 and 1,000,000.")]
    if "unit_price" in data or creating:
        raw_price = data.get("unit_price")
        if raw_price in (None, "") and product is not None:
            raw_price = product.unit_price
        # a negative unit price is a discount line (値引き) at its own tax rate
        values["unit_price"] = yen(raw_price, "unit_price", errors, required=True, signed=True)
    if "tax_category" in data or creating:
        category = data.get("tax_category") or (
            product.tax_category if product else TaxCategory.STANDARD
        )
        if category not in TaxCategory.values:
            errors["tax_category"] = [_("Use standard (10%) or reduced (8%).")]
        values["tax_category"] = category
    if errors:
        raise ValidationFailed(errors)
    return values


def _check_totals(
    deal: Deal, changed: LineItem | None = None, removed: LineItem | None = None
) -> None:
    """Discounts lower the total of their own tax rate and may not take it below zero (a
    quote then would owe the customer money and a negative consumption tax)."""
    totals: dict[str, int] = {}
    for line in deal.lines.all():
        if removed is not None and line.pk == removed.pk:
            continue
        if changed is not None and line.pk == changed.pk:
            line = changed
        totals[line.tax_category] = totals.get(line.tax_category, 0) + line.total
    if changed is not None and changed.pk is None:
        totals[changed.tax_category] = totals.get(changed.tax_category, 0) + changed.total
    if any(total < 0 for total in totals.values()):
        message = _(
            "The discount is larger than the items at its tax rate: the total would fall below zero."
        )
        raise ValidationFailed({"unit_price": [message]}, message=message, code="negative_total")


def _resum(deal: Deal) -> None:
    """Keep the amount equal to the sum of the lines while it is derived from them."""
    if not deal.amount_from_lines:
        return
    total = sum(line.total for line in deal.lines.all())
    if total != deal.amount:
        Deal.objects.filter(pk=deal.pk).update(
            amount=total, version=F("version") + 1, updated_at=timezone.now()
        )
        deal.amount = total


@transaction.atomic
def add_line_item(*, actor, deal: Deal, data: dict[str, Any]) -> LineItem:
    """Add a line (product or free text) to the deal. The first line makes the deal's
    amount the sum of its lines, unless an amount was entered by hand before."""
    current = _locked_deal(actor, deal)
    values = _clean_line(data, creating=True)
    first = not current.lines.exists()
    position = (current.lines.aggregate(m=Max("position"))["m"] or 0) + 1
    _check_totals(current, changed=LineItem(deal=current, position=position, **values))
    line = LineItem.objects.create(deal=current, position=position, **values)
    if first and current.amount == 0:
        Deal.objects.filter(pk=current.pk).update(amount_from_lines=True)
        current.amount_from_lines = True
    _resum(current)
    audit.record(
        actor=actor,
        action="create",
        obj=line,
        subject=current,
        changes=audit.diff({}, audit.snapshot(line, LINE_FIELDS)),
    )
    return line


def _line_of(current: Deal, line: LineItem | int) -> LineItem:
    pk = line.pk if isinstance(line, LineItem) else line
    found = LineItem.objects.filter(pk=pk, deal=current).first()
    if found is None:
        raise NotFound()
    return found


@transaction.atomic
def update_line_item(*, actor, deal: Deal, line: LineItem | int, data: dict[str, Any]) -> LineItem:
    current = _locked_deal(actor, deal)
    found = _line_of(current, line)
    values = _clean_line(data, creating=False)
    before = audit.snapshot(found, LINE_FIELDS)
    for name, value in values.items():
        setattr(found, name, value)
    _check_totals(current, changed=found)
    found.save()
    _resum(current)
    changes = audit.diff(before, audit.snapshot(found, LINE_FIELDS))
    if changes:
        audit.record(actor=actor, action="update", obj=found, subject=current, changes=changes)
    return found


@transaction.atomic
def remove_line_item(*, actor, deal: Deal, line: LineItem | int) -> None:
    current = _locked_deal(actor, deal)
    found = _line_of(current, line)
    _check_totals(current, removed=found)
    audit.record(
        actor=actor,
        action="delete",
        obj=found,
        subject=current,
        changes=audit.diff(audit.snapshot(found, LINE_FIELDS), {}),
    )
    found.delete()
    _resum(current)


@transaction.atomic
def add_deal_contact(*, actor, deal: Deal, person, role: str = "") -> DealContact:
    """Note a person involved in the deal (決裁者, 担当者 …)."""
    from daifuku.customers.models import Person

    current = _locked_deal(actor, deal)
    if not isinstance(person, Person):
        try:
            person = Person.objects.filter(pk=int(person)).first()
        except (TypeError, ValueError):
            person = None
        if person is None:
            raise ValidationFailed({"person_id": [_("Unknown person.")]})
    contact = current.contacts.filter(person=person).first()
    role = (role or "").strip()[:100]
    if contact is None:
        contact = DealContact.objects.create(deal=current, person=person, role=role)
        audit.record(
            actor=actor,
            action="create",
            obj=contact,
            subject=current,
            changes={"person": [None, person.pk], "role": [None, role]},
        )
    elif contact.role != role:
        audit.record(
            actor=actor,
            action="update",
            obj=contact,
            subject=current,
            changes={"role": [contact.role, role]},
        )
        contact.role = role
        contact.save(update_fields=["role"])
    return contact


@transaction.atomic
def remove_deal_contact(*, actor, deal: Deal, contact: DealContact | int) -> None:
    current = _locked_deal(actor, deal)
    pk = contact.pk if isinstance(contact, DealContact) else contact
    found = DealContact.objects.filter(pk=pk, deal=current).select_related("person").first()
    if found is None:
        raise NotFound()
    audit.record(
        actor=actor,
        action="delete",
        obj=found,
        subject=current,
        changes={"person": [found.person_id, None]},
    )
    found.delete()
