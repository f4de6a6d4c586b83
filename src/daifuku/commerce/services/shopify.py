"""Shopify's ``orders/create`` body mapped onto an order of the ledger.

* **Number**: the order's ``name`` as the merchant sees it (``#1001``), unique within the
  webhook source; the Shopify id is kept in the audit entry's changes.
* **Customer**, never guessed beyond these keys, in this order: the Shopify customer id as
  the member number (``member_number``), then the e-mail address, then the phone number.
  An unknown buyer is added (with the Shopify id as member number) when the source allows
  it; otherwise the delivery is refused with ``unknown_customer``.
* **Lines**: each ``line_items`` entry (a catalogue product when its ``sku`` is a product
  code, else its name), quantity and price; the tax rate comes from the line's
  ``tax_lines`` (0.1 → 10 %, 0.08 → 8 %), else the product's rate, else 10 %. Discounts
  allocated to the lines and the shipping lines become lines of their own (値引き, 送料).
* **Tax**: with ``taxes_included`` the prices include consumption tax and are converted
  to the ledger's prices before tax (rounded to the yen, per line); otherwise they are
  taken as they are. The ledger computes tax once per rate, rounded down.
* **Amounts**: in the minor unit of the order's ``currency`` (a JPY shop's yen; a USD
  shop's cents: $29.33 is 2933), recorded with the order's currency."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from daifuku.core.errors import ValidationFailed
from daifuku.core.japanese_emails import normalize_email
from daifuku.core.japanese_phones import normalize_phone
from daifuku.customers.models import EmailAddress, Person, PhoneNumber
from daifuku.customers.services.people import create_person
from daifuku.customers.validation import clean_member_number

from ..maths.currency import HOME, MINOR_DIGITS, digits
from ..models import Order, OrderLine, Product, ReturnKind, WebhookSource
from .orders import record_order, record_return


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        raise ValidationFailed({field: [_("Not an amount.")]}, code="invalid_body") from None
    if not amount.is_finite():
        raise ValidationFailed({field: [_("Not an amount.")]}, code="invalid_body")
    return amount


def _whole(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _rate(tax_lines, fallback: int) -> int:
    for tax in tax_lines or []:
        try:
            rate = Decimal(str(tax.get("rate")))
        except (InvalidOperation, AttributeError):
            continue
        if rate in (Decimal("0.1"), Decimal("0.10")):
            return 10
        if rate == Decimal("0.08"):
            return 8
    return fallback


def _find_person(customer: dict, order: dict) -> Person | None:
    alive = Person.objects.filter(deleted_at__isnull=True)
    number = clean_member_number(customer.get("id"))
    if number:
        if (person := alive.filter(member_number=number).first()) is not None:
            return person
    email = normalize_email(customer.get("email") or order.get("email") or "")
    if email:
        hit = EmailAddress.objects.filter(address=email, person__deleted_at__isnull=True).first()
        if hit is not None and hit.person_id:
            return hit.person
    phone = normalize_phone(customer.get("phone") or order.get("phone") or "")
    if phone is not None:
        by_phone = PhoneNumber.objects.filter(
            e164=phone.e164, person__deleted_at__isnull=True
        ).first()
        if by_phone is not None and by_phone.person_id:
            return by_phone.person
    return None


def _customer(source: WebhookSource, order: dict) -> Person:
    raw = order.get("customer")
    customer: dict[str, Any] = raw if isinstance(raw, dict) else {}
    person = _find_person(customer, order)
    if person is not None:
        return person
    if not source.create_missing_customers:
        raise ValidationFailed(
            {"customer": [_("No customer matches this buyer's id, e-mail or phone.")]},
            code="unknown_customer",
        )
    data: dict[str, Any] = {
        "family_name": (customer.get("last_name") or "").strip()
        or (customer.get("first_name") or "").strip()
        or _("(EC buyer)"),
        "given_name": (customer.get("first_name") or "").strip()
        if (customer.get("last_name") or "").strip()
        else "",
    }
    email = customer.get("email") or order.get("email")
    if email:
        data["email"] = email
    phone = customer.get("phone") or order.get("phone")
    if phone and normalize_phone(phone) is not None:
        data["phone"] = phone
    number = clean_member_number(customer.get("id"))
    if number:
        data["member_number"] = number  # the shop's customer id is the 会員番号
    return create_person(actor=source.acts_as, data=data)


def _lines(order: dict, currency: str = HOME) -> list[dict[str, Any]]:
    """The line items, discounts and shipping as ledger lines, prices before tax in the
    minor unit of ``currency`` (yen; cents for USD)."""
    inclusive = bool(order.get("taxes_included"))
    scale = Decimal(10) ** digits(currency)
    items = order.get("line_items")
    if not isinstance(items, list) or not items:
        raise ValidationFailed(
            {"line_items": [_("An order needs at least one line item.")]}, code="invalid_body"
        )
    skus = {str(i.get("sku")).strip() for i in items if isinstance(i, dict) and i.get("sku")}
    products = {p.code: p for p in Product.objects.filter(code__in=skus)}
    lines: list[dict[str, Any]] = []
    discounts: dict[int, Decimal] = {}

    def before_tax(amount: Decimal, rate: int) -> int:
        amount = amount * scale
        return _whole(amount * 100 / (100 + rate)) if inclusive else _whole(amount)

    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValidationFailed({f"line_items.{index}": [_("Each line is an object.")]})
        product = products.get(str(item.get("sku") or "").strip())
        rate = _rate(item.get("tax_lines"), product.tax_rate if product else 10)
        price = _amount(item.get("price"), f"line_items.{index}.price")
        line: dict[str, Any] = {
            "name": str(item.get("name") or item.get("title") or "").strip()[:200],
            "quantity": item.get("quantity", 1),
            "unit_price": before_tax(price, rate),
            "tax_rate": rate,
        }
        if product is not None:
            line["product"] = product
        lines.append(line)
        off = sum(
            (
                _amount(a.get("amount"), f"line_items.{index}.discount_allocations")
                for a in item.get("discount_allocations") or []
                if isinstance(a, dict)
            ),
            Decimal(0),
        )
        if off:
            discounts[rate] = discounts.get(rate, Decimal(0)) + off
    for rate, off in sorted(discounts.items()):
        lines.append(
            {
                "name": _("Discount"),
                "quantity": 1,
                "unit_price": -before_tax(off, rate),
                "tax_rate": rate,
            }
        )
    for index, ship in enumerate(order.get("shipping_lines") or []):
        if not isinstance(ship, dict):
            continue
        price = _amount(
            ship.get("discounted_price", ship.get("price")), f"shipping_lines.{index}.price"
        )
        if price:
            rate = _rate(ship.get("tax_lines"), 10)
            lines.append(
                {
                    "name": str(ship.get("title") or _("Shipping")).strip()[:200],
                    "quantity": 1,
                    "unit_price": before_tax(price, rate),
                    "tax_rate": rate,
                }
            )
    return lines


def shopify_order(source: WebhookSource, order: dict):
    """Record the order of an ``orders/create`` body; ``(order, created)``."""
    number = str(order.get("name") or order.get("order_number") or order.get("id") or "").strip()
    if not number:
        raise ValidationFailed(
            {"name": [_("The order has no name or number.")]}, code="invalid_body"
        )
    existing = Order.objects.filter(source=source.slug, number=number).first()
    if existing is not None:  # idempotent by number before any customer is created
        _remember_ids(existing, order)
        return existing, False
    when = order.get("created_at") or order.get("processed_at")
    try:
        ordered_at = dt.datetime.fromisoformat(str(when))
    except ValueError:
        raise ValidationFailed(
            {"created_at": [_("Not a date and time.")]}, code="invalid_body"
        ) from None
    code = str(order.get("currency") or HOME).strip().upper()
    if code not in MINOR_DIGITS:
        raise ValidationFailed(
            {
                "currency": [
                    _("Unknown currency. Use one of: %(codes)s.")
                    % {"codes": ", ".join(MINOR_DIGITS)}
                ]
            },
            code="invalid_currency",
        )
    lines = _lines(order, code)
    person = _customer(source, order)
    recorded, created = record_order(
        actor=source.acts_as,
        number=number,
        source=source.slug,
        person=person,
        ordered_at=ordered_at,
        channel=source.channel,
        store=str(source.shop_domain or "")[:100],
        lines=lines,
        currency=code,
    )
    _remember_ids(recorded, order)
    return recorded, created


def shopify_id(value) -> str:
    """A Shopify id as we keep it (a decimal string; ``""`` when absent)."""
    text = str(value if value is not None else "").strip()
    return text[:40] if text.isdigit() else ""


def _remember_ids(recorded: Order, order: dict) -> None:
    """Keep Shopify's order id and line item ids (a refund names them), once: the order's
    ``line_items`` are its first lines, in Shopify's order (:func:`_lines`)."""
    if recorded.external_id:
        return
    recorded.external_id = shopify_id(order.get("id"))
    if not recorded.external_id:
        return
    Order.objects.filter(pk=recorded.pk).update(external_id=recorded.external_id)
    items = [i for i in order.get("line_items") or [] if isinstance(i, dict)]
    ours = list(recorded.lines.order_by("position", "id")[: len(items)])
    for line, item in zip(ours, items, strict=False):
        line.external_id = shopify_id(item.get("id"))
    OrderLine.objects.bulk_update(ours, ["external_id"])


def shopify_cancellation(source: WebhookSource, order: dict):
    """An ``orders/cancelled`` body: the order (recorded first if its ``orders/create`` never
    arrived) is reversed whole as a cancellation on ``cancelled_at`` with Shopify's
    ``cancel_reason`` — history is never rewritten. ``(order, created)``; a cancellation
    that arrives again changes nothing."""
    recorded, created = shopify_order(source, order)
    if recorded.returns.filter(kind=ReturnKind.CANCELLATION).exists() or recorded.net_total == 0:
        return recorded, created
    when = order.get("cancelled_at") or order.get("updated_at")
    try:
        cancelled_at = dt.datetime.fromisoformat(str(when)) if when else None
    except ValueError:
        raise ValidationFailed(
            {"cancelled_at": [_("Not a date and time.")]}, code="invalid_body"
        ) from None
    record_return(
        actor=source.acts_as,
        order=recorded,
        kind=ReturnKind.CANCELLATION,
        reason=str(order.get("cancel_reason") or "")[:200],
        returned_at=cancelled_at,
    )
    recorded.refresh_from_db()
    return recorded, created
