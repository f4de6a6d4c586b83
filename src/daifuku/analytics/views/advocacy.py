"""Advocacy screens: the advocate list (with the rule), and recording an NPS answer or a
referral from the person page's panel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts.permissions import CHANGE, sees_everything
from daifuku.core.screens import done, run_service
from daifuku.customers import selectors as customer_selectors

from ..forms import AdvocateRulesForm, NpsForm, ReferralForm
from ..selectors import advocacy as selectors
from ..services import advocacy as services


@login_required
def advocate_list(request):
    rule = selectors.rules()
    form = None
    if sees_everything(request.user):
        form = AdvocateRulesForm(
            request.POST or None,
            initial={
                "min_nps": rule.min_nps,
                "nps_within_days": rule.nps_within_days,
                "min_referrals": rule.min_referrals,
                "require_both": rule.require_both,
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if run_service(
                form, lambda: services.set_advocate_rules(actor=request.user, data=data)
            ):
                return done(request, _("The advocate rule was saved."), "analytics:advocates")
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "analytics/advocates.html",
        {"rule": rule, "advocates": selectors.advocates(request.user), "form": form},
    )


@login_required
@require_POST
def add_nps(request, pk: int):
    person = customer_selectors.get_person(request.user, pk, CHANGE)
    form = NpsForm(request.POST)
    if form.is_valid() and run_service(
        form, lambda: services.record_nps(actor=request.user, person=person, **form.cleaned_data)
    ):
        return done(request, _("The NPS answer was recorded."), "customers:person", person.pk)
    return _panel_errors(request, person, nps_form=form)


@login_required
@require_POST
def add_referral(request, pk: int):
    person = customer_selectors.get_person(request.user, pk, CHANGE)
    form = ReferralForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            referred = customer_selectors.get_person(request.user, data["referred_id"])
        except Http404:
            form.add_error("referred_id", _("No such customer."))
        else:
            if run_service(
                form,
                lambda: services.record_referral(
                    actor=request.user,
                    referrer=person,
                    referred=referred,
                    referred_on=data["referred_on"],
                    note=data["note"],
                ),
            ):
                return done(
                    request, _("The introduction was recorded."), "customers:person", person.pk
                )
    return _panel_errors(request, person, referral_form=form)


def _panel_errors(request, person, **forms):
    context = panel_context(request, person)
    context.update(forms)
    return render(
        request, "analytics/advocacy_form.html", {"person": person, **context}, status=422
    )


def panel_context(request, person) -> dict:
    """The person page's panel: latest NPS answers and the introductions made and received."""
    answers = selectors.person_nps(request.user, person, limit=3)
    return {
        "person": person,
        "nps_answers": answers,
        "referrals": selectors.person_referrals(request.user, person),
        "nps_form": NpsForm(),
        "referral_form": ReferralForm(),
    }
