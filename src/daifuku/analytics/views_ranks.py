"""The rank rules page (会員ランクの設定): everyone signed in sees the ranks and how many
customers hold each; administrators add, change, switch off and delete them. A change
re-evaluates every customer's rank in the background."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from daifuku.core.screens import done, run_service
from daifuku.core.service_forms import ServiceForm

from .selectors import metrics as selectors
from .services import ranks as services


class RankRuleForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("Rank name"), max_length=40)
    min_purchases = forms.IntegerField(
        label=gettext_lazy("Purchases at least"), min_value=0, initial=0
    )
    min_amount = forms.IntegerField(
        label=gettext_lazy("Amount at least (yen)"), min_value=0, initial=0
    )
    period_months = forms.IntegerField(
        label=gettext_lazy("Counted over the last (months, 0 = all time)"),
        min_value=0,
        max_value=services.MAX_MONTHS,
        initial=0,
    )
    priority = forms.IntegerField(
        label=gettext_lazy("Priority (higher wins)"), min_value=0, initial=0
    )
    is_active = forms.BooleanField(label=gettext_lazy("In force"), required=False, initial=True)


def _admin(request) -> None:
    if not request.user.is_admin:
        raise PermissionDenied()


def _rule(pk: int):
    rule = selectors.rank_rules().filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


def _page(
    request,
    form: RankRuleForm,
    *,
    status: int = 200,
    invalid: RankRuleForm | None = None,
    open_pk=None,
):
    """The page; ``invalid`` is the form of rule ``open_pk`` as the user typed it."""
    holders = selectors.rank_holders()
    rules = []
    for rule in selectors.rank_rules():
        rule_form = (
            invalid
            if rule.pk == open_pk and invalid is not None
            else RankRuleForm(
                prefix=f"r{rule.pk}",
                initial={field: getattr(rule, field) for field in services.FIELDS},
            )
        )
        rules.append({"rule": rule, "holders": holders.get(rule.pk, 0), "form": rule_form})
    return render(
        request,
        "analytics/rank_rules.html",
        {"rules": rules, "form": form, "can_manage": request.user.is_admin, "open": open_pk},
        status=status,
    )


@login_required
def rank_rules(request):
    if request.method == "POST":
        _admin(request)
        form = RankRuleForm(request.POST)
        if form.is_valid() and run_service(
            form, lambda: services.create_rule(actor=request.user, data=form.cleaned_data)
        ):
            return done(
                request,
                _("Rank added. Every customer's rank is being re-evaluated."),
                "analytics:rank-rules",
            )
        return _page(request, form, status=422)
    return _page(request, RankRuleForm())


@login_required
@require_POST
def rank_rule_update(request, pk: int):
    _admin(request)
    rule = _rule(pk)
    form = RankRuleForm(request.POST, prefix=f"r{rule.pk}")
    if form.is_valid() and run_service(
        form, lambda: services.update_rule(actor=request.user, rule=rule, data=form.cleaned_data)
    ):
        return done(
            request,
            _("Rank saved. Every customer's rank is being re-evaluated."),
            "analytics:rank-rules",
        )
    return _page(request, RankRuleForm(), status=422, invalid=form, open_pk=rule.pk)


@login_required
@require_POST
def rank_rule_delete(request, pk: int):
    _admin(request)
    rule = _rule(pk)
    services.delete_rule(actor=request.user, rule=rule)
    return done(
        request, _("Rank deleted. Its holders are being re-evaluated."), "analytics:rank-rules"
    )
