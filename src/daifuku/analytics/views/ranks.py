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

from ..models import RFMScale
from ..selectors import metrics as selectors
from ..services import rules as services


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
    scale_forms: list | None = None,
):
    """The page; ``invalid`` is the form of rule ``open_pk`` as the user typed it, and
    ``scale_forms`` the RFM forms (one of them as typed)."""
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
        {
            "rules": rules,
            "form": form,
            "can_manage": request.user.is_admin,
            "open": open_pk,
            "scales": scale_forms or [_scale_form(scale) for scale in selectors.scales()],
        },
        status=status,
    )


class RFMScaleForm(ServiceForm):
    mode = forms.ChoiceField(
        label=gettext_lazy("How scores are given"), choices=RFMScale.Mode.choices
    )
    recency = forms.CharField(
        label=gettext_lazy("Recency: days for 5, 4, 3, 2 (ascending)"),
        required=False,
        max_length=100,
    )
    frequency = forms.CharField(
        label=gettext_lazy("Frequency: purchases for 2, 3, 4, 5"), required=False, max_length=100
    )
    monetary = forms.CharField(
        label=gettext_lazy("Monetary: yen for 2, 3, 4, 5"), required=False, max_length=100
    )


ENTITY_LABELS = {"person": gettext_lazy("People"), "company": gettext_lazy("Companies")}


def _text(cuts) -> str:
    return ", ".join("—" if c is None else str(c) for c in cuts or [])


def _scale_form(scale: RFMScale, form: RFMScaleForm | None = None) -> dict:
    return {
        "entity": scale.entity,
        "label": ENTITY_LABELS[scale.entity],
        "scale": scale,
        "form": form
        or RFMScaleForm(
            prefix=scale.entity,
            initial={
                "mode": scale.mode,
                "recency": _text(scale.recency_cuts),
                "frequency": _text(scale.frequency_cuts),
                "monetary": _text(scale.monetary_cuts),
            },
        ),
    }


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


@login_required
@require_POST
def rfm_scale_update(request, entity: str):
    """Quintiles or an administrator's thresholds for people's or companies' RFM."""
    _admin(request)
    if entity not in ENTITY_LABELS:
        raise Http404
    form = RFMScaleForm(request.POST, prefix=entity)
    if form.is_valid() and run_service(
        form,
        lambda: services.set_rfm_scale(actor=request.user, entity=entity, **form.cleaned_data),
    ):
        return done(
            request,
            _("RFM scoring saved. Every customer is being scored again."),
            "analytics:rank-rules",
        )
    scale_forms = [
        _scale_form(scale, form if scale.entity == entity else None) for scale in selectors.scales()
    ]
    return _page(request, RankRuleForm(), status=422, scale_forms=scale_forms)
