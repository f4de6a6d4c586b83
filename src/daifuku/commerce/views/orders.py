"""The commerce screens: the order list (期間・販売経路・顧客で絞り込み), an order's page (lines,
tax per rate, returns, what is left) with the return form, and the sales channel settings."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts.permissions import CHANGE, may, sees_everything
from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.core.screens import int_or_none, page_size

from .. import selectors, services
from ..models import Channel, ReturnKind


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def order_list(request):
    filters = selectors.OrderFilters(
        date_from=_date(request.GET.get("from")),
        date_to=_date(request.GET.get("to")),
        channel_id=int_or_none(request.GET.get("channel")),
        customer=(request.GET.get("customer") or "")[:100],
        person_id=int_or_none(request.GET.get("person")),
    )
    page = selectors.filtered_orders(
        request.user, filters, cursor=request.GET.get("after"), size=page_size(request)
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "commerce/order_list.html",
        {
            "page": page,
            "filters": filters,
            "channels": selectors.channels(request.user),
            "query": query.urlencode(),
            "can_manage": sees_everything(request.user),
        },
    )


def _problems(exc: DomainError) -> list[str]:
    if isinstance(exc, ValidationFailed) and exc.errors:
        return [m for ms in exc.errors.values() for m in ms]
    return [str(exc.message)]


@login_required
def order_detail(request, pk: int):
    order = selectors.get_order(request.user, pk)
    lines = list(order.lines.all())
    for line in lines:
        line.left = line.quantity - (line.returned_quantity or 0)
    return render(
        request,
        "commerce/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "returns": list(order.returns.all()),
            "can_return": may(request.user, CHANGE, order.customer) and order.net_total > 0,
            "kinds": ReturnKind.choices,
        },
    )


@login_required
@require_POST
def order_return(request, pk: int):
    """Record a return of the whole order or of the quantities entered per line."""
    order = selectors.get_order(request.user, pk, CHANGE)
    lines = None
    if request.POST.get("scope") == "lines":
        lines = [
            {"line_id": line.pk, "quantity": quantity}
            for line in order.lines.all()
            if (quantity := int_or_none(request.POST.get(f"qty_{line.pk}")) or 0) > 0
        ]
        if not lines:
            messages.error(request, _("Enter how many of which line come back."))
            return redirect("commerce:order", order.pk)
    try:
        services.record_return(
            actor=request.user,
            order=order,
            lines=lines,
            kind=request.POST.get("kind") or ReturnKind.RETURN,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        for problem in _problems(exc):
            messages.error(request, problem)
        return redirect("commerce:order", order.pk)
    messages.success(request, _("Return recorded."))
    return redirect("commerce:order", order.pk)


@login_required
def channel_settings(request):
    """Managers and administrators keep the list of sales channels (販売経路)."""
    if not sees_everything(request.user):
        raise PermissionDenied()
    if request.method == "POST":
        try:
            _change_channels(request)
        except DomainError as exc:
            for problem in _problems(exc):
                messages.error(request, problem)
        return redirect("commerce:channels")
    return render(
        request, "commerce/channels.html", {"channels": list(selectors.channels(request.user))}
    )


def _change_channels(request) -> None:
    action = request.POST.get("action", "")
    if action == "add":
        services.create_channel(actor=request.user, name=request.POST.get("name", ""))
        messages.success(request, _("Channel added."))
        return
    channels = list(selectors.channels(request.user, CHANGE))
    channel = next((c for c in channels if c.pk == int_or_none(request.POST.get("id"))), None)
    if channel is None:
        return
    if action == "rename":
        data: dict = {"name": request.POST.get("name", "")}
    elif action in ("up", "down"):
        data = {"position": _moved(channels, channel, -1 if action == "up" else 1)}
    elif action == "toggle":
        data = {"is_active": not channel.is_active}
    else:
        return
    services.update_channel(actor=request.user, channel=channel, data=data)
    messages.success(request, _("Channel saved."))


def _moved(channels: list[Channel], channel: Channel, step: int) -> int:
    """The position that puts ``channel`` one place up or down the list."""
    index = channels.index(channel)
    other = min(max(index + step, 0), len(channels) - 1)
    if other == index:
        return channel.position
    return max(0, channels[other].position + step)  # just past its neighbour
