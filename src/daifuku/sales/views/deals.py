"""Deal list (filters, saved views), deal page, create/edit, line items and contacts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts import selectors as account_selectors
from daifuku.accounts.permissions import CHANGE, DELETE, can
from daifuku.core import timeline
from daifuku.core.screens import done, int_or_none, page_or_partial, page_size, run_service

from .. import selectors, services
from ..forms import DealForm, LineItemForm
from ..models import DealStatus, ForecastCategory, StageKind
from .common import attempt, form_error_text


def _filters(request) -> selectors.DealFilters:
    import datetime as dt

    def day(name):
        try:
            return dt.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    owner = request.GET.get("owner", "")
    return selectors.DealFilters(
        q=request.GET.get("q", "").strip()[:100],
        pipeline=int_or_none(request.GET.get("pipeline")),
        stage=int_or_none(request.GET.get("stage")),
        owner=request.user.pk if owner == "me" else int_or_none(owner),
        team=int_or_none(request.GET.get("team")),
        status=request.GET.get("status", "")
        if request.GET.get("status") in DealStatus.values
        else "",
        forecast_category=request.GET.get("category", "")
        if request.GET.get("category") in ForecastCategory.values
        else "",
        stalled=request.GET.get("stalled") == "1",
        close_from=day("close_from"),
        close_to=day("close_to"),
        company=int_or_none(request.GET.get("company")),
        person=int_or_none(request.GET.get("person")),
    )


def _query_string(request, drop=("after", "before")) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


@login_required
def deal_list(request):
    filters = _filters(request)
    sort = request.GET.get("sort", "created")
    page = selectors.list_deals(
        request.user,
        filters,
        sort=sort,
        cursor=request.GET.get("after") or request.GET.get("before"),
        size=page_size(request),
        backwards=bool(request.GET.get("before")),
    )
    count, more = selectors.count_deals(request.user, filters)
    context = {
        "page": page,
        "filters": filters,
        "sort": sort,
        "count": count,
        "count_more": more,
        "pipelines": selectors.pipelines(request.user),
        "statuses": DealStatus.choices,
        "categories": ForecastCategory.choices,
        "owners": account_selectors.active_users(),
        "teams": account_selectors.teams(),
        "query_string": _query_string(request),
        "saved_views": selectors.saved_views(request.user),
    }
    return page_or_partial(
        request, "sales/deal_list.html", "sales/partials/_deal_table.html", context
    )


@login_required
@require_POST
def saved_view_create(request):
    attempt(
        request,
        lambda: services.save_view(
            actor=request.user,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
        ),
        _("View saved."),
    )
    return redirect(f"{_list_url()}?{request.POST.get('query', '')}")


@login_required
@require_POST
def saved_view_delete(request, pk: int):
    view = selectors.get_saved_view(request.user, pk, DELETE)
    services.delete_saved_view(actor=request.user, view=view)
    return done(request, _("View deleted."), "sales:deals")


def _list_url() -> str:
    from django.urls import reverse

    return reverse("sales:deals")


def _next_actions(request, deal):
    try:
        from daifuku.activities.selectors import open_actions_for_subject
    except ImportError:
        return None
    return open_actions_for_subject(request.user, "sales.deal", deal.pk)


def detail_context(request, deal, **extra) -> dict:
    """What the deal page shows (also re-rendered by a refused move, with its field errors)."""
    can_change = can(request.user, CHANGE, deal)
    stages = selectors.stages_of(deal.pipeline)
    return {
        "deal": deal,
        "can_change": can_change,
        "stages": stages,
        "open_stages": [s for s in stages if s.kind == StageKind.OPEN],
        "won_stages": [s for s in stages if s.kind == StageKind.WON],
        "lost_stages": [s for s in stages if s.kind == StageKind.LOST],
        "lost_reasons": selectors.active_lost_reasons(request.user),
        "lines": list(deal.lines.select_related("product")),
        "contacts": list(deal.contacts.select_related("person")),
        "quotes": list(deal.quotes.all()),
        "history": selectors.stage_history(deal),
        "timeline": timeline.collect(deal, user=request.user, limit=30),
        "next_actions": _next_actions(request, deal),
        "line_form": LineItemForm(
            products=selectors.products_queryset(request.user).filter(is_active=True)
        ),
        **extra,
    }


@login_required
def deal_detail(request, pk: int):
    deal = selectors.get_deal(request.user, pk)
    return render(request, "sales/deal_detail.html", detail_context(request, deal))


@login_required
def deal_create(request):
    pipelines = selectors.pipelines(request.user)
    initial = {
        "person": int_or_none(request.GET.get("person")),
        "company": int_or_none(request.GET.get("company")),
    }
    form = DealForm(request.POST or None, pipelines=pipelines, initial=initial)
    if request.method == "POST" and form.is_valid():
        deal = run_service(
            form, lambda: services.create_deal(actor=request.user, data=form.service_data())
        )
        if deal is not None:
            return done(request, _("Deal created."), "sales:deal", deal.pk)
    picked = _picked_customers(request, form)
    return render(request, "sales/deal_form.html", {"form": form, "creating": True, **picked})


def _picked_customers(request, form) -> dict:
    company, person = selectors.picked_customers(
        request.user, int_or_none(form["company"].value()), int_or_none(form["person"].value())
    )
    return {"picked_company": company, "picked_person": person}


@login_required
def deal_edit(request, pk: int):
    deal = selectors.get_deal(request.user, pk, CHANGE)
    initial = {
        "title": deal.title,
        "company": deal.company_id,
        "person": deal.person_id,
        "amount": deal.amount,
        "expected_close": deal.expected_close,
        "probability": deal.probability if deal.probability_overridden else None,
        "forecast_category": deal.forecast_category,
        "source": deal.source,
        "competitors": ", ".join(deal.competitors),
        "description": deal.description,
    }
    form = DealForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if str(data.get("amount") or "") == str(deal.amount) and deal.amount_from_lines:
            data.pop("amount")  # unchanged: keep summing the lines
        updated = run_service(
            form,
            lambda: services.update_deal(
                actor=request.user,
                deal=deal,
                data=data,
                expected_version=int_or_none(request.POST.get("version")),
            ),
        )
        if updated is not None:
            return done(request, _("Deal saved."), "sales:deal", deal.pk)
    return render(
        request,
        "sales/deal_form.html",
        {"form": form, "deal": deal, "creating": False, **_picked_customers(request, form)},
    )


@login_required
@require_POST
def line_add(request, pk: int):
    deal = selectors.get_deal(request.user, pk, CHANGE)
    form = LineItemForm(
        request.POST, products=selectors.products_queryset(request.user).filter(is_active=True)
    )
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        data["product_id"] = data.pop("product", None)
        if (
            run_service(
                form, lambda: services.add_line_item(actor=request.user, deal=deal, data=data)
            )
            is not None
        ):
            return done(request, _("Line added."), "sales:deal", deal.pk)
    messages.error(request, form_error_text(form))
    return redirect("sales:deal", deal.pk)


@login_required
@require_POST
def line_remove(request, pk: int, line_id: int):
    deal = selectors.get_deal(request.user, pk, CHANGE)
    # refused when a discount would then exceed what is left at its tax rate
    attempt(
        request,
        lambda: services.remove_line_item(actor=request.user, deal=deal, line=line_id),
        _("Line removed."),
    )
    return redirect("sales:deal", deal.pk)


@login_required
def person_options(request):
    """The "who" picker's results (htmx): people matching ``q``, each a button that fills
    the picker's hidden id (sales.js)."""
    import re

    people = selectors.people_to_pick(request.user, request.GET.get("q", ""))
    target = request.GET.get("target", "")
    return render(
        request,
        "sales/partials/_person_options.html",
        {
            "people": people,
            "q": request.GET.get("q", "").strip(),
            "target": target if re.fullmatch(r"[a-z][a-z-]{0,30}", target) else "",
        },
    )


@login_required
@require_POST
def contact_add(request, pk: int):
    deal = selectors.get_deal(request.user, pk, CHANGE)
    if not request.POST.get("person"):
        messages.error(request, _("Choose a person from the search results."))
        return redirect("sales:deal", deal.pk)
    attempt(
        request,
        lambda: services.add_deal_contact(
            actor=request.user,
            deal=deal,
            person=request.POST.get("person"),
            role=request.POST.get("role", ""),
        ),
        _("Contact added."),
    )
    return redirect("sales:deal", deal.pk)


@login_required
@require_POST
def contact_remove(request, pk: int, contact_id: int):
    deal = selectors.get_deal(request.user, pk, CHANGE)
    services.remove_deal_contact(actor=request.user, deal=deal, contact=contact_id)
    return done(request, _("Contact removed."), "sales:deal", deal.pk)


@login_required
@require_POST
def next_action_add(request, pk: int):
    """Plan the deal's next action through the activities app (subject sales.deal)."""
    deal = selectors.get_deal(request.user, pk, CHANGE)
    try:
        from daifuku.activities.services import create_next_action
    except ImportError:
        raise Http404 from None
    attempt(
        request,
        lambda: create_next_action(
            actor=request.user,
            person=deal.person,
            company=deal.company,
            data={
                "title": request.POST.get("title", ""),
                "due_at": request.POST.get("due_at", ""),
                "subject_type": "sales.deal",
                "subject_id": deal.pk,
            },
        ),
        _("Next action planned."),
    )
    return redirect("sales:deal", deal.pk)
