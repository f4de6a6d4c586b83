"""メール配信: the campaign list, the form, the campaign's page (who it would reach and who
is left out before sending, the pre-send problems, progress and statistics after), and the
confirmation step before a send."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts.permissions import CHANGE, may
from daifuku.core.errors import DomainError
from daifuku.core.screens import done, int_or_none, run_service

from .. import selectors as segment_selectors
from ..forms_campaigns import CampaignForm, initial_for
from ..permissions import may_send
from ..selectors import campaigns as selectors
from ..services import campaigns as services
from ..services.audience_count import count_audience
from .campaign_preview import preview_context

REASON_KEYS = ("no_consent", "opted_out", "suppressed", "topic_refused", "no_address", "duplicate")


def _reason_labels() -> list[tuple[str, str]]:
    """Why people are left out, in the words the send screen and statistics use."""
    labels = {
        "no_consent": _("No opt-in consent on record (advertising mail)"),
        "opted_out": _("Refused e-mail"),
        "suppressed": _("On the suppression list (bounce, complaint, refusal)"),
        "topic_refused": _("Refused this mail topic"),
        "no_address": _("No e-mail address"),
        "duplicate": _("Same address as another recipient (sent once)"),
    }
    return [(key, labels[key]) for key in REASON_KEYS]


def _form(request, data=None, initial=None) -> CampaignForm:
    return CampaignForm(
        data,
        initial=initial,
        segments=segment_selectors.segment_choices(request.user),
        templates=selectors.template_choices(),
        personas=selectors.persona_choices(),
        topics=selectors.topic_choices(),
    )


@login_required
def campaign_list(request):
    return render(
        request,
        "marketing/campaign_list.html",
        {"campaigns": selectors.list_campaigns(request.user), "section": "campaigns"},
    )


@login_required
def campaign_create(request):
    initial = {"is_advertising": True}
    if int_or_none(request.GET.get("segment")):  # 「このセグメントにメールを送る」
        initial["segment"] = int_or_none(request.GET.get("segment"))
    form = _form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        campaign = run_service(
            form,
            lambda: services.create_campaign(actor=request.user, data=form.service_data()),
        )
        if campaign is not None:
            count_audience(campaign)
            return done(request, _("The campaign was saved."), "marketing:campaign", campaign.pk)
    return _form_page(request, form)


def _form_page(request, form, campaign=None):
    """The form with its preview as a chosen customer (desktop and phone widths)."""
    context = {"form": form, "campaign": campaign, "section": "campaigns"}
    context.update(
        preview_context(request, form.data if form.is_bound else _initial(request, form))
    )
    return render(request, "marketing/campaign_form.html", context)


def _initial(request, form) -> dict:
    """The preview's input before anything is typed: the form's initial mail, and the
    customer named in ``?person=`` (a link from a customer's page may choose one)."""
    names = ("subject", "html", "text", "template", "persona")
    return {"person": request.GET.get("person"), **{name: form[name].value() for name in names}}


@login_required
def campaign_edit(request, pk):
    campaign = selectors.get_campaign(request.user, pk, CHANGE)
    if not selectors.is_open(campaign):
        return redirect("marketing:campaign", campaign.pk)
    initial = initial_for(campaign, selectors.variants_of(campaign))
    form = _form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.update_campaign(
                actor=request.user,
                campaign=campaign,
                data=form.service_data(),
                expected_version=int_or_none(request.POST.get("version")),
            ),
        )
        if saved is not None:
            count_audience(saved)
            return done(request, _("The campaign was saved."), "marketing:campaign", campaign.pk)
    return _form_page(request, form, campaign)


def _audience(campaign, *, fresh: bool) -> dict:
    """Who it would reach: counted now (``fresh``: the send's confirmation, a recount) or
    as last counted and kept with the campaign (its page: fast on a big ledger)."""
    if fresh:
        skipped = dict(count_audience(campaign).skipped)
    else:
        skipped = dict(campaign.audience_skipped or {})
    counted = campaign.audience_counted_at is not None
    return {
        "would_receive": campaign.audience_count or 0,
        "left_out": sum(skipped.values()),
        "skipped": skipped,
        "audience_counted": counted,
        "audience_current": counted and campaign.audience_version == campaign.version,
    }


def _page_context(request, campaign, *, fresh: bool = False) -> dict:
    context = {
        "campaign": campaign,
        "variants": selectors.variants_of(campaign),
        "may_change": may(request.user, CHANGE, campaign),
        "may_send": may_send(request.user) and may(request.user, CHANGE, campaign),
        "is_open": selectors.is_open(campaign),
        "section": "campaigns",
        "reasons": _reason_labels(),
    }
    if context["is_open"]:
        context.update(_fixing(campaign))
        found = selectors.problems(campaign)
        context.update(
            blocking=[p for p in found if p.blocks],
            warnings=[p for p in found if not p.blocks],
        )
        context.update(_audience(campaign, fresh=fresh))
    else:
        stats = selectors.campaign_stats(campaign)
        context.update(stats=stats, skipped=campaign.skipped or {})
    context["reason_rows"] = [
        (key, label, int((context.get("skipped") or {}).get(key, 0)))
        for key, label in context["reasons"]
    ]
    return context


CAMPAIGN_FIELDS = ("name", "segment", "subject", "html", "text", "persona", "topic", "send_at")


def _fixing(campaign) -> dict:
    """Where a pre-send problem is fixed: the campaign's own fields on its form, the
    sender's identity on the mail settings page (when that page exists)."""
    from django.urls import NoReverseMatch, reverse

    try:
        settings_url = reverse("marketing:mail-settings")
    except NoReverseMatch:
        settings_url = ""
    return {"campaign_fields": CAMPAIGN_FIELDS, "settings_url": settings_url}


@login_required
def campaign_detail(request, pk):
    campaign = selectors.get_campaign(request.user, pk)
    return render(request, "marketing/campaign_detail.html", _page_context(request, campaign))


@login_required
@require_POST
def campaign_audience(request, pk):
    """Count who it would reach again (the button, or the page itself when the stored
    count is missing or older than the last edit) and show the audience panel."""
    campaign = selectors.get_campaign(request.user, pk)
    if not selectors.is_open(campaign):
        return redirect("marketing:campaign", campaign.pk)
    context = _page_context(request, campaign, fresh=True)
    return render(request, "marketing/partials/_campaign_audience.html", context)


@login_required
def campaign_progress(request, pk):
    """The progress and statistics panel (htmx polls it while the send runs)."""
    campaign = selectors.get_campaign(request.user, pk)
    return render(
        request, "marketing/partials/_campaign_progress.html", _page_context(request, campaign)
    )


@login_required
def campaign_send(request, pk):
    """GET: the confirmation step (how many will receive it, who is left out, what blocks);
    POST: start the send."""
    campaign = selectors.get_campaign(request.user, pk, CHANGE)
    if not may_send(request.user):
        raise Forbidden
    if not selectors.is_open(campaign):
        return redirect("marketing:campaign", campaign.pk)
    context = _page_context(request, campaign, fresh=request.method == "GET")
    if request.method == "POST":
        try:
            services.start_send(campaign, actor=request.user)
        except services.CampaignBlocked as exc:
            context["blocking"] = exc.problems
        except DomainError as exc:
            context["error"] = str(exc.message)
        else:
            return done(request, _("The send has started."), "marketing:campaign", campaign.pk)
    return render(request, "marketing/campaign_send.html", context)


@login_required
@require_POST
def campaign_cancel(request, pk):
    campaign = selectors.get_campaign(request.user, pk, CHANGE)
    try:
        services.cancel_campaign(actor=request.user, campaign=campaign)
    except DomainError as exc:
        from django.contrib import messages

        messages.error(request, str(exc.message))
        return redirect("marketing:campaign", campaign.pk)
    return done(request, _("The campaign was cancelled."), "marketing:campaign", campaign.pk)
