"""Deliverability screens: 送信ドメインの確認 (SPF / DKIM / DMARC, the DKIM key, the
bulk-sender rules; administrators) and 不達・苦情 (bounces and complaints that came back;
marketers, managers and administrators)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.core.screens import done, run_service

from ..forms import DkimKeyForm
from ..selectors import feedback as selectors
from ..services import deliverability as services


def _page(request, form=None, *, look_up: bool = False):
    found = selectors.deliverability_for(request.user, look_up=look_up)
    if found is None:
        raise Http404  # like the other administrators' settings: not offered to others
    if form is None:
        form = DkimKeyForm(
            initial={
                "domain": found.signing.domain or found.domain,
                "selector": found.signing.selector or "daifuku",
            }
        )
    return render(
        request,
        "marketing/feedback/deliverability.html",
        {"d": found, "form": form, "checked": look_up},
    )


@login_required
def deliverability(request):
    return _page(request, look_up=request.GET.get("check") == "1")


@login_required
@require_POST
def dkim_generate(request):
    if selectors.deliverability_for(request.user) is None:
        raise Http404
    form = DkimKeyForm(request.POST)
    if form.is_valid():
        row = run_service(
            form,
            lambda: services.generate_dkim_key(
                actor=request.user,
                domain=form.cleaned_data["domain"],
                selector=form.cleaned_data["selector"],
            ),
        )
        if row is not None:
            return done(
                request,
                _("A new DKIM key was made. Publish the TXT record below before the next send."),
                "marketing:deliverability",
            )
    return _page(request, form)


@login_required
@require_POST
def dkim_off(request):
    if selectors.deliverability_for(request.user) is None:
        raise Http404
    services.turn_off_dkim(actor=request.user)
    return done(request, _("Mail is no longer signed with DKIM."), "marketing:deliverability")


def _row(event) -> dict:
    """One line of the list: the reason is the server's diagnostic for a bounce, the
    provider for a complaint."""
    detail = event.detail or {}
    reason = detail.get("diagnostic", "")
    if not reason and detail.get("user_agent"):
        reason = f"{detail['user_agent']} ({detail.get('feedback_type') or 'abuse'})"
    return {
        "at": event.at,
        "kind": event.get_kind_display(),
        "email": event.delivery.email,
        "person_id": event.person_id,
        "campaign": event.campaign.name,
        "status": detail.get("status", ""),
        "reason": reason,
    }


@login_required
def feedback_list(request):
    kind = request.GET.get("kind", "")
    events = selectors.feedback_events(request.user, kind=kind)
    if events is None:
        raise Http404
    return render(
        request,
        "marketing/feedback/feedback_list.html",
        {
            "events": [_row(event) for event in events],
            "counts": selectors.feedback_counts(request.user),
            "kind": kind,
            "kinds": [(k.value, k.label) for k in selectors.FEEDBACK_KINDS],
        },
    )
