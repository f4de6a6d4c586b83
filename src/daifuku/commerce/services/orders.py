"""Recording orders (注文) and their returns (返品・キャンセル).

An order is recorded once per number and source (``record_order`` is idempotent: a till
or an EC site that sends the same order again gets the first one back). A return is a
reversing entry with negative amounts; the order keeps what was bought, and its ``net_*``
figures and status follow the returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, VIEW, ensure_can
from daifuku.core import audit, events
from daifuku.core.errors import ValidationFailed

from ..maths import currency as currencies
from ..maths import tax as tax_maths
from ..models import Channel, Order, OrderLine, OrderStatus, Product, Return, ReturnKind, ReturnLine
from .common import yen

RATES = (10, 8)
#: An imported order may be free of Japanese consumption tax (an overseas shop's history,
#: amounts in another currency): rate 0.
IMPORT_RATES = (10, 8, 0)
MAX_LINES = 500
MAX_QUANTITY = 1_000_000


def customer_payload(order: Order) -> dict[str, Any]:
    """What an event says about whose order it is."""
    if order.person_id:
        return {"entity": "person", "entity_id": order.person_id}  # the ledger's events' shape
    return {"entity": "company", "entity_id": order.company_id}


def _aware(value, field: str) -> dt.datetime:
    """A date is the start of that day in Japan; a naive datetime is Japan time."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time()))
    raise ValidationFailed({field: [_("Enter a date or a date and time.")]})


def _channel(value) -> Channel | None:
    if value in (None, ""):
        return None
    if isinstance(value, Channel):
        return value
    found = Channel.objects.filter(name=str(value).strip()).first()
    if found is None and str(value).isdigit():
        found = Channel.objects.filter(pk=int(value)).first()
    if found is None:
        names = "、".join(
            Channel.objects.filter(is_active=True)
            .order_by("position", "id")
            .values_list("name", flat=True)
        )
        raise ValidationFailed(
            {"channel": [_("Unknown sales channel. Use one of: %(names)s.") % {"names": names}]},
            code="unknown_channel",
        )
    return found


def _rate(value, field: str, errors: dict, rates: tuple[int, ...] = RATES) -> int | None:
    try:
        rate = int(value)
    except (TypeError, ValueError):
        rate = None
    if isinstance(value, bool) or rate not in rates:
        errors[field] = (
            [_("Use a tax rate of 10, 8 or 0 (%).")]
            if 0 in rates
            else [_("Use a tax rate of 10 or 8 (%).")]
        )
        return None
    return rate


def _product(raw: dict, field: str, errors: dict) -> Product | None:
    product = raw.get("product")
    if isinstance(product, Product):
        return product
    if raw.get("sku"):
        found = Product.objects.filter(code=str(raw["sku"]).strip()).first()
        if found is None:
            errors[f"{field}.sku"] = [_("No product has this code.")]
        return found
    if raw.get("product_id") not in (None, ""):
        try:
            found = Product.objects.filter(pk=int(raw["product_id"])).first()
        except (TypeError, ValueError):
            found = None
        if found is None:
            errors[f"{field}.product_id"] = [_("No product has this id.")]
        return found
    return None


def _clean_lines(
    lines: list[dict[str, Any]], rates: tuple[int, ...] = RATES
) -> list[dict[str, Any]]:
    """Each line: a product (``product``, ``sku`` or ``product_id``) or a ``name``, a
    ``quantity``, a ``unit_price`` before tax and a ``tax_rate`` (a product gives its
    own price and rate when they are not stated)."""
    if not isinstance(lines, list) or not lines:
        raise ValidationFailed(
            {"lines": [_("An order needs at least one line, or a total.")]}, code="no_lines"
        )
    if len(lines) > MAX_LINES:
        raise ValidationFailed({"lines": [_("At most %(limit)d lines.") % {"limit": MAX_LINES}]})
    errors: dict[str, list[str]] = {}
    cleaned: list[dict[str, Any]] = []
    for index, raw in enumerate(lines):
        field = f"lines.{index}"
        if not isinstance(raw, dict):
            errors[field] = [_("Each line is an object.")]
            continue
        product = _product(raw, field, errors)
        name = str(raw.get("name") or (product.name if product else "")).strip()[:200]
        if not name and f"{field}.sku" not in errors and f"{field}.product_id" not in errors:
            errors[f"{field}.name"] = [_("Name the item or give its product.")]
        try:
            quantity = int(raw.get("quantity", 1))
            if isinstance(raw.get("quantity"), bool) or not 1 <= quantity <= MAX_QUANTITY:
                raise ValueError
        except (TypeError, ValueError):
            errors[f"{field}.quantity"] = [_("Enter a quantity of at least 1.")]
            quantity = 0
        price = raw.get("unit_price")
        if price in (None, "") and product is not None:
            price = product.unit_price
        unit_price = yen(price, f"{field}.unit_price", errors, required=True, signed=True)
        rate = raw.get("tax_rate")
        if rate in (None, ""):
            rate = product.tax_rate if product is not None else 10
        rate = _rate(rate, f"{field}.tax_rate", errors, rates)
        cleaned.append(
            {
                "product": product,
                "name": name,
                "quantity": quantity,
                "unit_price": unit_price,
                "tax_rate": rate,
            }
        )
    if errors:
        raise ValidationFailed(errors)
    for line in cleaned:
        line["amount"] = line["quantity"] * line["unit_price"]
    return cleaned


def _lines_with_tax(
    lines: list[dict[str, Any]], rates: tuple[int, ...]
) -> tuple[list[dict[str, Any]], tax_maths.TaxSummary]:
    """The cleaned lines and their tax per rate (an order by hand, the API, a webhook or an
    import alike): a discount larger than the items of its rate is refused."""
    cleaned = _clean_lines(lines, rates)
    summary = tax_maths.compute_by_rate((line["amount"], line["tax_rate"]) for line in cleaned)
    if any(rate.taxable < 0 for rate in summary.per_rate):
        raise ValidationFailed(
            {"lines": [_("Discounts cannot exceed the items they apply to (per tax rate).")]},
            code="negative_total",
        )
    return cleaned, summary


def _breakdown(summary: tax_maths.TaxSummary) -> list[dict[str, int]]:
    return [{"rate": r.rate, "taxable": r.taxable, "tax": r.tax} for r in summary.per_rate]


@transaction.atomic
def record_order(
    *,
    actor,
    number: str,
    ordered_at,
    person=None,
    company=None,
    source: str = "api",
    channel=None,
    store: str = "",
    lines: list[dict[str, Any]] | None = None,
    total=None,
    tax_rate=None,
    rates: tuple[int, ...] = RATES,
    currency: str | None = None,
) -> tuple[Order, bool]:
    """Record a customer's purchase; returns ``(order, created)``. The same ``number``
    from the same ``source`` again returns the order already recorded (``created`` is
    False) and changes nothing. Either ``lines`` (prices before tax) or ``total`` (tax
    included, with its ``tax_rate``, 10 % unless stated) is given. Tax: per rate, once
    per order, rounded down. ``rates``: the tax rates allowed (an import may allow 0).
    ``currency``: ISO 4217, the amounts being in its minor unit (yen unless given or the
    source says, ``import:USD``: maths/currency.py).
    Gathers ``order.recording`` in the transaction and emits ``order.recorded`` after
    commit."""
    number = str(number or "").strip()
    source = str(source or "api").strip()[:40] or "api"
    if not number:
        raise ValidationFailed({"number": [_("Enter the order number.")]})
    if len(number) > 60:
        raise ValidationFailed({"number": [_("At most %(limit)d characters.") % {"limit": 60}]})
    existing = Order.objects.filter(source=source, number=number).first()
    if existing is not None:
        return existing, False
    if person is None and company is None:
        raise ValidationFailed(
            {"customer": [_("Say whose order this is (a person or a company).")]},
            code="customer_required",
        )
    for customer in (person, company):
        if customer is not None:
            ensure_can(actor, VIEW, customer)
    when = _aware(ordered_at, "ordered_at")
    code = checked_currency(currency, source)
    the_channel = _channel(channel)
    if lines is not None and total not in (None, ""):
        raise ValidationFailed(
            {"total": [_("Give either the lines or the total, not both.")]}, code="lines_and_total"
        )
    if lines is not None:
        cleaned, summary = _lines_with_tax(lines, rates)
    else:
        errors: dict[str, list[str]] = {}
        amount = yen(total, "total", errors, required=True)
        rate = _rate(10 if tax_rate in (None, "") else tax_rate, "tax_rate", errors, rates)
        if errors:
            raise ValidationFailed(
                errors, code="no_lines" if "total" in errors and total in (None, "") else None
            )
        cleaned = []
        assert amount is not None and rate is not None  # both parsed: errors were raised above
        summary = tax_maths.from_inclusive(amount, rate)
    values = {
        "source": source,
        "number": number,
        "person": person,
        "company": company,
        "ordered_at": when,
        "channel": the_channel,
        "store": str(store or "").strip()[:100],
        "currency": code,
        "subtotal": summary.subtotal,
        "tax": summary.tax,
        "total": summary.total,
        "tax_breakdown": _breakdown(summary),
        "net_subtotal": summary.subtotal,
        "net_tax": summary.tax,
        "net_total": summary.total,
        "item_count": sum(line["quantity"] for line in cleaned),
        "created_by": actor if getattr(actor, "pk", None) else None,
    }
    try:
        with transaction.atomic():  # a concurrent sender of the same number wins the race
            order = Order.objects.create(**values)
    except IntegrityError:
        found = Order.objects.filter(source=source, number=number).first()
        if found is None:
            raise
        return found, False
    OrderLine.objects.bulk_create(
        OrderLine(order=order, position=(index + 1) * 10, **line)
        for index, line in enumerate(cleaned)
    )
    # the customer's 360° timeline shows the order itself (timeline_sources), not this entry
    audit.record(
        actor=actor,
        action="create",
        obj=order,
        changes={
            "number": [None, number],
            "source": [None, source],
            "total": [None, order.total],
            **({"currency": [None, code]} if code != currencies.HOME else {}),
            "channel": [None, the_channel.name if the_channel else None],
            "items": [None, order.item_count],
        },
    )
    # what depends on the order (analytics: the customer's figures and rank) in this transaction
    events.gather("order.recording", order_id=order.pk, **customer_payload(order))
    events.emit("order.recorded", order_id=order.pk, **customer_payload(order))
    return order, True


def checked_currency(currency: str | None, source: str = "") -> str:
    """The order's ISO 4217 code: the one given, else the one its source names (yen)."""
    if currency in (None, ""):
        return currencies.currency_of(source)
    code = str(currency).strip().upper()
    if code not in currencies.MINOR_DIGITS:
        raise ValidationFailed(
            {
                "currency": [
                    _("Unknown currency. Use one of: %(codes)s.")
                    % {"codes": ", ".join(currencies.MINOR_DIGITS)}
                ]
            },
            code="invalid_currency",
        )
    return code


def _standing(order: Order) -> dict[int, tuple[int, int]]:
    """``{rate: (taxable, tax)}`` of the order net of its returns so far."""
    standing: dict[int, list[int]] = {}
    rows: Iterable[dict] = list(order.tax_breakdown) + [
        row
        for breakdown in order.returns.values_list("tax_breakdown", flat=True)
        for row in breakdown
    ]
    for row in rows:
        base = standing.setdefault(int(row["rate"]), [0, 0])
        base[0] += int(row["taxable"])
        base[1] += int(row["tax"])
    return {rate: (v[0], v[1]) for rate, v in standing.items()}


def _returned_so_far(order: Order) -> dict[int, int]:
    return dict(
        ReturnLine.objects.filter(order_line__order=order)
        .values("order_line")
        .annotate(n=Sum("quantity"))
        .values_list("order_line", "n")
    )


def _wanted(order_lines: dict[int, OrderLine], left: dict[int, int], lines) -> dict[int, int]:
    """``{order line id: quantity}`` to return; ``lines=None`` is everything left."""
    if lines is None:
        return {pk: n for pk, n in left.items() if n > 0}
    if not isinstance(lines, list) or not lines:
        raise ValidationFailed(
            {"lines": [_("Say which lines come back, or return the whole order.")]}
        )
    errors: dict[str, list[str]] = {}
    wanted: dict[int, int] = {}
    for index, raw in enumerate(lines):
        field = f"lines.{index}"
        try:
            pk = int(raw.get("line_id"))
            quantity = int(raw.get("quantity"))
            if quantity < 1:
                raise ValueError
        except (AttributeError, TypeError, ValueError):
            errors[field] = [_("Give the line_id of an order line and a quantity of at least 1.")]
            continue
        if pk not in order_lines:
            errors[f"{field}.line_id"] = [_("This order has no such line.")]
            continue
        wanted[pk] = wanted.get(pk, 0) + quantity
    if errors:
        raise ValidationFailed(errors)
    too_many = {pk: n for pk, n in wanted.items() if n > left.get(pk, 0)}
    if too_many:
        raise ValidationFailed(
            {
                "lines": [
                    _("%(name)s: only %(left)d left to return (%(asked)d asked).")
                    % {"name": order_lines[pk].name, "left": left.get(pk, 0), "asked": n}
                    for pk, n in too_many.items()
                ]
            },
            code="return_exceeds_order",
        )
    return wanted


@transaction.atomic
def record_return(
    *,
    actor,
    order: Order,
    lines: list[dict[str, Any]] | None = None,
    kind: str = ReturnKind.RETURN,
    reason: str = "",
    returned_at=None,
) -> Return:
    """Record a cancellation or a return of the whole order (``lines=None``: everything
    not returned yet) or of some lines (``[{"line_id", "quantity"}]``). Refuses to
    return more than was bought. The return's amounts are negative; the order's net
    figures and status follow. Emits ``order.returned`` after commit."""
    ensure_can(actor, CHANGE, order)
    current = Order.objects.select_for_update().get(pk=order.pk)
    if kind not in ReturnKind.values:
        raise ValidationFailed({"kind": [_("Use return or cancellation.")]})
    order_lines = {line.pk: line for line in current.lines.all()}
    before = _standing(current)
    if not order_lines:  # an order known by its total only comes back whole
        if lines:
            raise ValidationFailed({"lines": [_("This order has no lines: return it whole.")]})
        if current.net_total == 0 and current.returns.exists():
            raise ValidationFailed(
                {"order": [_("Everything of this order has been returned already.")]},
                code="nothing_to_return",
            )
        left, wanted, removed = {}, {}, {rate: base for rate, (base, _tax) in before.items()}
    else:
        returned = _returned_so_far(current)
        left = {pk: line.quantity - returned.get(pk, 0) for pk, line in order_lines.items()}
        wanted = _wanted(order_lines, left, lines)
        if not wanted:
            raise ValidationFailed(
                {"order": [_("Everything of this order has been returned already.")]},
                code="nothing_to_return",
            )
        removed = {}
        for pk, quantity in wanted.items():
            line = order_lines[pk]
            removed[line.tax_rate] = removed.get(line.tax_rate, 0) + quantity * line.unit_price
    if any(
        before.get(rate, (0, 0))[0] - amount < 0 or amount < 0 for rate, amount in removed.items()
    ):
        raise ValidationFailed(
            {"lines": [_("Return a discount line together with the items it applies to.")]},
            code="discount_return",
        )
    when = _aware(returned_at, "returned_at") if returned_at else timezone.now()
    if when < current.ordered_at:
        raise ValidationFailed(
            {"returned_at": [_("A return cannot come before the order.")]}, code="invalid_date"
        )
    summary = tax_maths.reversal(before, removed)
    ret = Return.objects.create(
        order=current,
        kind=kind,
        reason=str(reason or "").strip()[:300],
        returned_at=when,
        subtotal=summary.subtotal,
        tax=summary.tax,
        total=summary.total,
        tax_breakdown=_breakdown(summary),
        item_count=sum(wanted.values()),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(
            ret=ret, order_line=order_lines[pk], quantity=n, amount=-n * order_lines[pk].unit_price
        )
        for pk, n in wanted.items()
    )
    everything = all(n == wanted.get(pk, 0) for pk, n in left.items())
    previous = current.status
    current.net_subtotal += summary.subtotal
    current.net_tax += summary.tax
    current.net_total += summary.total
    if everything:
        current.status = (
            OrderStatus.CANCELLED if kind == ReturnKind.CANCELLATION else OrderStatus.RETURNED
        )
    else:
        current.status = OrderStatus.PARTLY_RETURNED
    current.updated_at = timezone.now()
    current.save(update_fields=["net_subtotal", "net_tax", "net_total", "status", "updated_at"])
    audit.record(
        actor=actor,
        action="return",
        obj=ret,
        subject=current,
        changes={
            "order": [None, current.number],
            "total": [None, ret.total],
            "items": [None, ret.item_count],
            "status": [previous, current.status],
        },
    )
    events.gather(
        "order.returning", order_id=current.pk, return_id=ret.pk, **customer_payload(current)
    )
    events.emit(
        "order.returned", order_id=current.pk, return_id=ret.pk, **customer_payload(current)
    )
    return ret
