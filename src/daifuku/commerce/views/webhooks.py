"""The address an EC site posts its orders to (no sign-in: the HMAC signature is the
proof), and the administrators' page that manages those senders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from daifuku.core.errors import DomainError

from .. import selectors
from ..forms import WebhookSourceForm
from ..services import webhooks


@csrf_exempt  # a server-to-server call: the signature, not a cookie, authenticates it
@require_POST
def receive_orders(request, slug: str):
    try:
        received = webhooks.receive(slug, request.headers, request.body)
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    except Http404:  # a person_id / company_id the sender named is not in the ledger
        return JsonResponse(
            {"code": "not_found", "message": _("The customer is not there."), "errors": {}},
            status=404,
        )
    order = received.order
    return JsonResponse(
        {
            "id": order.pk if order else None,
            "number": order.number if order else None,
            "total": order.total if order else None,
            "created": received.status == 201,
            "duplicate_delivery": received.duplicate_delivery,
        },
        status=received.status,
    )


def _admin(request) -> None:
    if not request.user.is_admin:
        raise Http404  # like the other admin-only settings: not offered to others


@login_required
def webhook_sources(request):
    """Settings → Order webhooks: add a sender; its secret is shown on the next page only."""
    _admin(request)
    form = WebhookSourceForm(
        request.POST or None, channels=selectors.channels(request.user, active_only=True)
    )
    if request.method == "POST" and form.is_valid():
        try:
            source, secret = webhooks.create_source(actor=request.user, **form.service_data())
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            return _show_secret(request, source, secret)
    return render(
        request,
        "commerce/webhooks.html",
        {"form": form, "sources": selectors.webhook_sources(request.user)},
    )


def _source(request, pk: int):
    source = selectors.webhook_sources(request.user).filter(pk=pk).first()
    if source is None:
        raise Http404
    return source


def _show_secret(request, source, secret: str):
    address = request.build_absolute_uri(f"/commerce/webhooks/{source.slug}/orders")
    return render(
        request,
        "commerce/webhook_secret.html",
        {"source": source, "secret": secret, "address": address},
    )


@login_required
@require_POST
def webhook_rotate(request, pk: int):
    _admin(request)
    source = _source(request, pk)
    secret = webhooks.rotate_secret(
        actor=request.user, source=source, secret=request.POST.get("secret", "")
    )
    return _show_secret(request, source, secret)


@login_required
@require_POST
def webhook_toggle(request, pk: int):
    _admin(request)
    source = _source(request, pk)
    webhooks.set_active(actor=request.user, source=source, active=not source.is_active)
    messages.success(
        request,
        _("%(name)s now takes orders.") % {"name": source.name}
        if source.is_active
        else _("%(name)s no longer takes orders.") % {"name": source.name},
    )
    return redirect("commerce:webhooks")
