"""The recipient's pages behind the link in every advertising mail (no login; the signed
token is the only key):

* ``POST /m/u/<token>`` refuses all advertising mail at once — the RFC 8058 one-click POST
  a mail program sends (``List-Unsubscribe=One-Click``, no cookie, so no CSRF token: the
  only view exempt) and the confirmation page's button; 200 either way;
* ``GET /m/u/<token>`` only shows the confirmation page with that button — link scanners
  and mail security gateways follow every GET, so a GET never changes anything;
* ``/m/u/<token>/topics`` the preference page: keep or refuse each topic, refuse
  everything, or (after a refusal) receive again.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from daifuku.core.errors import NotFound

from .. import unsubscribe
from ..selectors.sender import sender_identity
from ..services import unsubscribe as refusals


def _invalid(request):
    return render(request, "marketing/public/invalid.html", status=404)


def _delivery(signed: str):
    token = unsubscribe.unsign(signed)
    if token is None:
        return None
    try:
        return refusals.delivery_for(token)
    except NotFound:
        return None


def _page(request, template: str, delivery, signed: str, **extra):
    context = {
        "delivery": delivery,
        "signed": signed,
        "sender": sender_identity(),
        "refused": refusals.has_refused(delivery),
        **extra,
    }
    return render(request, template, context)


@csrf_exempt  # RFC 8058: the mail program POSTs without cookies or a form token
@require_http_methods(["GET", "POST"])
def one_click(request, signed: str):
    delivery = _delivery(signed)
    if delivery is None:
        return _invalid(request)
    if request.method == "GET":
        return _page(request, "marketing/public/confirm.html", delivery, signed)
    refusals.refuse_all(
        token=delivery.token,
        via=refusals.ONE_CLICK if _is_one_click(request) else refusals.PAGE,
    )
    if _is_one_click(request):
        return HttpResponse("unsubscribed\n", content_type="text/plain; charset=utf-8")
    return _page(request, "marketing/public/done.html", delivery, signed)


def _is_one_click(request) -> bool:
    """The RFC 8058 body (form-encoded or multipart) as a mail program sends it."""
    return request.POST.get("List-Unsubscribe") == "One-Click"


@require_http_methods(["GET", "POST"])
def preferences(request, signed: str):
    delivery = _delivery(signed)
    if delivery is None:
        return _invalid(request)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "refuse_all":
            refusals.refuse_all(token=delivery.token, via=refusals.PAGE)
            return _page(request, "marketing/public/done.html", delivery, signed)
        if action == "receive_again":
            refusals.receive_again(token=delivery.token)
            saved = _("You will receive our mails again.")
        else:
            chosen = {int(v) for v in request.POST.getlist("topic") if v.isdigit()}
            refusals.choose_topics(token=delivery.token, subscribed=chosen)
            saved = _("Your choices were saved.")
        from django.contrib import messages

        messages.success(request, saved)
        return redirect("unsubscribe:preferences", signed=signed)
    return _page(
        request,
        "marketing/public/preferences.html",
        delivery,
        signed,
        choices=refusals.topic_choices(delivery),
    )
