"""Shopify's ``orders/updated`` and ``refunds/create`` bodies applied to an order of the
ledger — without rewriting its history.

* **orders/updated** — the order as it now stands. What the ledger takes from it is what an
  order may still change: its cancellation (a cancellation entry reversing it whole, as for
  ``orders/cancelled``). An order we never received is recorded first. Each update is taken
  once per Shopify ``updated_at``: a repeated or older update (Shopify does not promise the
  order of deliveries) changes nothing. Everything else (addresses, tags, notes,
  fulfilment, payment status) is not part of the ledger; items removed by an order edit
  arrive as a refund.
* **refunds/create** — a refund of some line items becomes a return (返品) of those lines,
  exactly as ``POST /api/v1/orders/{id}/returns`` records one: the order is found by
  Shopify's order id, each line by Shopify's line item id (``line_item_id``), the quantity
  as refunded, the refund's ``note`` as the reason, on its ``created_at``. A refund whose
  lines were all ``restock_type: cancel`` (never shipped) is a cancellation entry. The same
  refund id again records nothing; goods a cancellation already reversed are not reversed
  twice (Shopify sends ``refunds/create`` too when an order is cancelled with a refund). A
  refund of money alone (shipping, a goodwill amount: no ``refund_line_items``) returns no
  goods and records nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from daifuku.core.errors import ValidationFailed

from ..models import Order, ReturnKind, ReturnLine, WebhookSource
from .orders import record_return
from .shopify import shopify_cancellation, shopify_id, shopify_order


def _when(value, field: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed({field: [_("Not a date and time.")]}, code="invalid_body") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def shopify_update(source: WebhookSource, order: dict):
    """Apply an ``orders/updated`` body; ``(order, created)`` — created when the order
    itself was first recorded by it."""
    recorded, created = shopify_order(source, order)
    updated_at = _when(order.get("updated_at"), "updated_at")
    current = Order.objects.select_for_update().get(pk=recorded.pk)
    seen = current.external_updated_at
    if updated_at is not None and seen is not None and updated_at <= seen:
        return current, created  # this change (or a newer one) was taken already
    if order.get("cancelled_at"):
        shopify_cancellation(source, order)
    if updated_at is not None:
        Order.objects.filter(pk=current.pk).update(external_updated_at=updated_at)
    current.refresh_from_db()
    return current, created


def _refund_lines(order: Order, refund: dict) -> tuple[list[dict[str, Any]], bool]:
    """``([{"line_id", "quantity"}], all cancelled)`` of a refund, limited to what is not
    reversed yet."""
    items = refund.get("refund_line_items") or []
    if not isinstance(items, list):
        raise ValidationFailed(
            {"refund_line_items": [_("A list of refunded lines.")]}, code="invalid_body"
        )
    lines = list(order.lines.all())
    by_id = {line.external_id: line for line in lines if line.external_id}
    errors: dict[str, list[str]] = {}
    wanted: dict[int, int] = {}
    restocks: set[str] = set()
    for index, item in enumerate(items):
        field = f"refund_line_items.{index}"
        if not isinstance(item, dict):
            errors[field] = [_("Each refunded line is an object.")]
            continue
        raw = item.get("line_item")
        line_item: dict[str, Any] = raw if isinstance(raw, dict) else {}
        key = shopify_id(item.get("line_item_id") or line_item.get("id"))
        line = by_id.get(key) if key else None
        if line is None:  # an order recorded before line ids were kept: its unique name
            name = str(line_item.get("name") or "").strip()
            named = [x for x in lines if not x.external_id and name and x.name == name]
            line = named[0] if len(named) == 1 else None
        if line is None:
            errors[f"{field}.line_item_id"] = [_("This order has no such line item.")]
            continue
        try:
            given = item.get("quantity")
            quantity = int(given)  # type: ignore[arg-type]  # None is refused below
            if isinstance(given, bool) or quantity < 1:
                raise ValueError
        except (TypeError, ValueError):
            errors[f"{field}.quantity"] = [_("Enter a quantity of at least 1.")]
            continue
        wanted[line.pk] = wanted.get(line.pk, 0) + quantity
        restocks.add(str(item.get("restock_type") or ""))
    if errors:
        raise ValidationFailed(errors, code="unknown_line_item")
    returned = dict(
        ReturnLine.objects.filter(order_line__order=order)
        .values("order_line")
        .annotate(n=Sum("quantity"))
        .values_list("order_line", "n")
    )
    bought = {line.pk: line.quantity for line in lines}
    out = []
    for pk, quantity in wanted.items():
        left = bought[pk] - returned.get(pk, 0)
        if min(quantity, left) > 0:
            out.append({"line_id": pk, "quantity": min(quantity, left)})
    return out, restocks == {"cancel"}


def shopify_refund(source: WebhookSource, refund: dict):
    """Record a ``refunds/create`` body as a return of its lines; ``(order, created)`` —
    created when a return was recorded."""
    refund_id = shopify_id(refund.get("id"))
    order_id = shopify_id(refund.get("order_id"))
    if not refund_id or not order_id:
        raise ValidationFailed(
            {"id": [_("A refund names itself (id) and its order (order_id).")]},
            code="invalid_body",
        )
    order = (
        Order.objects.select_for_update().filter(source=source.slug, external_id=order_id).first()
    )
    if order is None:
        raise ValidationFailed(
            {
                "order_id": [
                    _(
                        "No order from this shop has this id: subscribe orders/create on the "
                        "same address so that orders arrive before their refunds."
                    )
                ]
            },
            code="unknown_order",
        )
    if order.returns.filter(external_id=refund_id).exists():
        return order, False  # this refund was recorded already
    lines, cancelled = _refund_lines(order, refund)
    if not lines:
        return order, False  # money alone, or goods a cancellation already reversed
    ret = record_return(
        actor=source.acts_as,
        order=order,
        lines=lines,
        kind=ReturnKind.CANCELLATION if cancelled else ReturnKind.RETURN,
        reason=str(refund.get("note") or "")[:300],
        returned_at=_when(refund.get("created_at") or refund.get("processed_at"), "created_at"),
    )
    ret.external_id = refund_id
    ret.save(update_fields=["external_id"])
    order.refresh_from_db()
    return order, True
