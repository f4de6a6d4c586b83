"""``/api/v1/`` endpoints of commerce: thin adapters over selectors and services."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from daifuku.accounts.permissions import CHANGE
from daifuku.core.errors import ValidationFailed

from . import selectors, services
from .models import Order, Return
from .schemas import (
    ChannelIn,
    ChannelList,
    ChannelOut,
    ChannelPatch,
    OrderIn,
    OrderOut,
    OrderPage,
    ReturnIn,
    ReturnOut,
)

router = Router(tags=["commerce"])


def return_dict(ret: Return) -> dict:
    return {
        "id": ret.pk,
        "order_id": ret.order_id,
        "kind": ret.kind,
        "returned_at": ret.returned_at,
        "reason": ret.reason,
        "subtotal": ret.subtotal,
        "tax": ret.tax,
        "total": ret.total,
        "tax_breakdown": ret.tax_breakdown,
        "item_count": ret.item_count,
    }


def order_dict(order: Order) -> dict:
    return {
        "id": order.pk,
        "number": order.number,
        "source": order.source,
        "customer_type": "person" if order.person_id else "company",
        "customer_id": order.person_id or order.company_id,
        "person_id": order.person_id,
        "company_id": order.company_id,
        "ordered_at": order.ordered_at,
        "channel": order.channel.name if order.channel_id else None,
        "store": order.store,
        "currency": order.currency,
        "status": order.status,
        "subtotal": order.subtotal,
        "tax": order.tax,
        "total": order.total,
        "tax_breakdown": order.tax_breakdown,
        "net_subtotal": order.net_subtotal,
        "net_tax": order.net_tax,
        "net_total": order.net_total,
        "item_count": order.item_count,
        "lines": [
            {
                "id": line.pk,
                "product_id": line.product_id,
                "sku": line.product.code if line.product else None,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "tax_rate": line.tax_rate,
                "amount": line.amount,
                "returned_quantity": getattr(line, "returned_quantity", None) or 0,
            }
            for line in order.lines.all()
        ],
        "returns": [return_dict(r) for r in order.returns.all()],
    }


class OrderQuery(Schema):
    person_id: int | None = None
    company_id: int | None = None
    cursor: str | None = None
    limit: int = 25


@router.get("/orders", response=OrderPage, summary="Orders, newest first (cursor pagination)")
def list_orders(request, params: Query[OrderQuery]):
    if params.limit < 1 or params.limit > 200:
        raise ValidationFailed(
            {"limit": [_("Use a limit between 1 and 200.")]}, code="invalid_limit"
        )
    customer = {}
    if params.person_id is not None or params.company_id is not None:
        customer = selectors.customer_for_api(
            request.auth, person_id=params.person_id, company_id=params.company_id
        )
    page = selectors.list_orders(request.auth, **customer, cursor=params.cursor, size=params.limit)
    return {"items": [order_dict(o) for o in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/orders",
    response={200: OrderOut, 201: OrderOut},
    summary="Record an order (the same number again returns the order already recorded)",
)
def record_order(request, payload: OrderIn):
    order, created = services.record_order_body(
        actor=request.auth, payload=payload, source=payload.source
    )
    return Status(201 if created else 200, order_dict(selectors.get_order(request.auth, order.pk)))


@router.get("/orders/{order_id}", response=OrderOut, summary="One order with its lines and returns")
def get_order(request, order_id: int):
    return order_dict(selectors.get_order(request.auth, order_id))


@router.post(
    "/orders/{order_id}/returns",
    response={201: ReturnOut},
    summary="Record a return or cancellation (the whole order, or lines)",
)
def record_return(request, order_id: int, payload: ReturnIn):
    order = selectors.get_order(request.auth, order_id, CHANGE)
    lines = None if payload.lines is None else [line.model_dump() for line in payload.lines]
    ret = services.record_return(
        actor=request.auth,
        order=order,
        lines=lines,
        kind=payload.kind,
        reason=payload.reason,
        returned_at=services.parse_when(payload.returned_at, "returned_at")
        if payload.returned_at
        else None,
    )
    return Status(201, return_dict(ret))


# --- sales channels ---------------------------------------------------------------------------


def _channel_dict(channel) -> dict:
    return {
        "id": channel.pk,
        "name": channel.name,
        "position": channel.position,
        "is_active": channel.is_active,
    }


@router.get("/channels", response=ChannelList, summary="The sales channels an order may name")
def list_channels(request):
    return {"items": [_channel_dict(c) for c in selectors.channels(request.auth)]}


@router.post("/channels", response={201: ChannelOut}, summary="Add a sales channel (managers)")
def create_channel(request, payload: ChannelIn):
    return Status(
        201, _channel_dict(services.create_channel(actor=request.auth, name=payload.name))
    )


@router.patch(
    "/channels/{channel_id}",
    response=ChannelOut,
    summary="Rename, reorder or deactivate a channel (managers)",
)
def update_channel(request, channel_id: int, payload: ChannelPatch):
    channel = selectors.channels(request.auth).filter(pk=channel_id).first()
    if channel is None:
        raise Http404
    return _channel_dict(
        services.update_channel(
            actor=request.auth, channel=channel, data=payload.model_dump(exclude_unset=True)
        )
    )
