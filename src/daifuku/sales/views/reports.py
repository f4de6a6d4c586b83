"""Forecast (予実), funnel (bottleneck), stalled deals and targets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts import selectors as account_selectors
from daifuku.accounts.permissions import DELETE, sees_everything
from daifuku.core.screens import done, int_or_none, run_service

from .. import selectors, services
from ..forms import TargetForm
from ..maths.periods import period_containing
from ..models import ForecastCategory
from .common import chosen_period, fiscal_start


def _period_links(period, start_month):
    today = timezone.localdate()
    return [period_containing(today, kind, start_month) for kind in ("month", "quarter", "year")]


@login_required
def forecast(request):
    period = chosen_period(request)
    start_month = fiscal_start()
    filters = {
        "owner": int_or_none(request.GET.get("owner")),
        "team": int_or_none(request.GET.get("team")),
        "pipeline": int_or_none(request.GET.get("pipeline")),
    }
    totals = selectors.forecast(request.user, period, **filters)
    by = (
        request.GET.get("by", "owner")
        if request.GET.get("by") in ("owner", "team", "pipeline")
        else "owner"
    )
    targets = selectors.targets_overlapping(request.user, period, limit=50)
    rows = selectors.attainment_rows(request.user, targets, timezone.localdate())
    chart_max = max(
        [1] + [max(r["result"].target, r["result"].actual, r["result"].forecast) for r in rows]
    )
    context = {
        "period": period,
        "totals": totals,
        "by": by,
        "filters": filters,
        "categories": [
            (label, totals.by_category.get(value, 0))
            for value, label in ForecastCategory.choices
            if value != ForecastCategory.CLOSED
        ],
        "breakdown": selectors.forecast_breakdown(request.user, period, by, **filters),
        "months": selectors.forecast_by_month(request.user, period, **filters)
        if period.kind != "month"
        else [],
        "won": selectors.won_totals(
            request.user, period, owner=filters["owner"], team=filters["team"]
        ),
        "attainment": rows,
        "chart_max": chart_max,
        "quick_periods": _period_links(period, start_month),
        "pipelines": selectors.pipelines(request.user),
        "owners": account_selectors.active_users(),
        "teams": account_selectors.teams(),
    }
    return render(request, "sales/forecast.html", context)


@login_required
def funnel(request):
    pipelines = selectors.pipelines(request.user)
    period = chosen_period(request, "year")
    chosen = next(
        (p for p in pipelines if p.pk == int_or_none(request.GET.get("pipeline"))),
        pipelines[0] if pipelines else None,
    )
    result = selectors.funnel(chosen, period) if chosen else None
    return render(
        request,
        "sales/funnel.html",
        {
            "pipelines": pipelines,
            "pipeline": chosen,
            "period": period,
            "funnel": result,
            "lost_reasons": selectors.lost_reasons(chosen, period) if chosen else [],
            "quick_periods": _period_links(period, fiscal_start()),
        },
    )


@login_required
def stalled(request):
    return render(request, "sales/stalled.html", {"deals": selectors.stalled_deals(request.user)})


@login_required
def targets(request):
    can_manage = sees_everything(request.user)
    form = TargetForm(
        request.POST or None,
        users=account_selectors.active_users(),
        teams=account_selectors.teams(),
    )
    if request.method == "POST":
        if not can_manage:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied()
        if form.is_valid():
            kind, _sep, pk = form.cleaned_data["who"].partition(":")
            who = (
                {"user": account_selectors.find_user(pk)}
                if kind == "user"
                else {"team": account_selectors.find_team(pk)}
            )
            saved = run_service(
                form,
                lambda: services.set_target(
                    actor=request.user,
                    metric=form.cleaned_data["metric"],
                    period=form.cleaned_data["period"],
                    value=form.cleaned_data["value"],
                    **who,
                ),
            )
            if saved is not None:
                return done(request, _("Target saved."), "sales:targets")
    rows = selectors.recent_targets(request.user, limit=200)
    return render(
        request, "sales/targets.html", {"form": form, "targets": rows, "can_manage": can_manage}
    )


@login_required
@require_POST
def target_delete(request, pk: int):
    target = selectors.get_target(request.user, pk, DELETE)
    services.delete_target(actor=request.user, target=target)
    return done(request, _("Target deleted."), "sales:targets")
