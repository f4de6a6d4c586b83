"""KPI pages: the list with this period's attainment, one KPI over time with its targets,
and (managers and administrators) adding a KPI and setting targets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts import selectors as account_selectors
from daifuku.accounts.permissions import sees_everything
from daifuku.core.screens import done, run_service

from .. import charts, kpi_display, periods, selectors, services
from ..forms import KpiForm


def _form(request, data=None) -> KpiForm:
    return KpiForm(
        data, metrics=selectors.metric_choices(), owners=account_selectors.active_users()
    )


@login_required
def kpi_list(request):
    kpis = list(selectors.list_kpis(request.user))
    chart = kpi_display.current_chart(kpis)
    return render(
        request,
        "dashboards/kpis.html",
        {
            "rows": kpi_display.current_rows(kpis),
            "svg": mark_safe(charts.svg(chart, _("KPI attainment"))) if chart else "",
            "form": _form(request) if sees_everything(request.user) else None,
        },
    )


@login_required
@require_POST
def kpi_create(request):
    if not sees_everything(request.user):
        raise PermissionDenied(_("Only managers and administrators can set KPIs."))
    form = _form(request, request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        kpi = run_service(form, lambda: services.create_kpi(actor=request.user, data=data))
        if kpi:
            return done(request, _("KPI added. Set its targets below."), "dashboards:kpi", kpi.pk)
    kpis = list(selectors.list_kpis(request.user))
    return render(
        request,
        "dashboards/kpis.html",
        {"rows": kpi_display.current_rows(kpis), "svg": "", "form": form},
        status=422,
    )


@login_required
def kpi_detail(request, pk: int):
    kpi = selectors.get_kpi(request.user, pk)
    results = selectors.attainment(kpi, periods_back=12)
    can_edit = sees_everything(request.user)
    errors = {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Only managers and administrators can set KPIs."))
        targets = [
            {"period_start": key[len("target-") :], "value": value}
            for key, value in request.POST.items()
            if key.startswith("target-")
        ]
        form = KpiForm()
        if (
            run_service(
                form, lambda: services.set_targets(actor=request.user, kpi=kpi, targets=targets)
            )
            is not None
        ):
            return done(request, _("Targets saved."), "dashboards:kpi", kpi.pk)
        errors = form.errors
    upcoming = [periods.shift(results[-1].start, kpi.period_type, n) for n in (1, 2, 3)]
    chart = kpi_display.history_chart(kpi, results)
    return render(
        request,
        "dashboards/kpi.html",
        {
            "kpi": kpi,
            "rows": [kpi_display.row(kpi, r) for r in reversed(results)],
            "upcoming": [
                {"start": s, "label": periods.label(s, kpi.period_type)} for s in upcoming
            ],
            "svg": mark_safe(charts.svg(chart, kpi.name)),
            "can_edit": can_edit,
            "errors": errors,
        },
    )


@login_required
@require_POST
def kpi_deactivate(request, pk: int):
    """Stop following a KPI (kept with its targets, no longer listed)."""
    if not sees_everything(request.user):
        raise PermissionDenied(_("Only managers and administrators can set KPIs."))
    kpi = selectors.get_kpi(request.user, pk)
    services.update_kpi(actor=request.user, kpi=kpi, data={"is_active": False})
    return done(request, _("The KPI is no longer followed."), "dashboards:kpis")
