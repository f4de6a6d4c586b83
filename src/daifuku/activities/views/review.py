"""Manager review: team dashboard and drill-down, goals, daily reports, handover, and the
"no next step" report."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts import selectors as account_selectors
from daifuku.core.screens import int_or_none, run_service, safe_next
from daifuku.customers import selectors as customer_selectors

from .. import dashboard, selectors, services
from ..forms import CommentForm, GoalForm, HandoverForm, ReportForm
from ..models import GoalPeriod, Mood, ReportStatus, TouchKind
from .common import may_see_customers_of, parse_day, rep_for


@login_required
def team_dashboard(request):
    period = (
        request.GET.get("period")
        if request.GET.get("period") in GoalPeriod.values
        else GoalPeriod.WEEK
    )
    idle_days = int_or_none(request.GET.get("idle")) or 30
    idle_days = max(1, min(idle_days, 365))
    day = parse_day(request.GET.get("day"))
    data = dashboard.team_dashboard(
        account_selectors.reps_led_by(request.user), period=period, day=day, idle_days=idle_days
    )
    data.update({"periods": GoalPeriod.choices, "kinds": TouchKind.choices, "day": day})
    return render(request, "activities/team_dashboard.html", data)


@login_required
def touch_list(request):
    """Drill-down: a rep's touches in a date range (from the dashboard)."""
    rep = rep_for(request)
    start, end = parse_day(request.GET.get("from")), parse_day(request.GET.get("to"))
    since, _ignored = selectors.day_bounds(start)
    until = selectors.day_bounds(end)[1]
    kind = request.GET.get("kind") if request.GET.get("kind") in TouchKind.values else ""
    page = selectors.list_touches(
        request.user,
        rep_id=rep.pk,
        since=since,
        until=until,
        kind=kind,
        cursor=request.GET.get("after"),
        size=50,
    )
    return render(
        request,
        "activities/touch_list.html",
        {"rep": rep, "page": page, "start": start, "end": end, "kind": kind},
    )


@login_required
def goals(request):
    if not (request.user.is_manager or request.user.is_admin):
        raise Http404
    form = GoalForm(request.POST or None)
    form.fields["rep"].queryset = account_selectors.assignable_reps(request.user)
    if request.method == "POST" and form.is_valid():
        rep = form.cleaned_data.get("rep")
        team = None if rep else request.user.team
        saved = run_service(
            form,
            lambda: (
                services.set_activity_goal(
                    actor=request.user,
                    rep=rep,
                    team=team,
                    kind=form.cleaned_data.get("kind") or "",
                    period=form.cleaned_data["period"],
                    target=form.cleaned_data["target"],
                )
                or True
            ),
        )
        if saved:
            messages.success(request, _("Goal saved."))
            return redirect("activities:goals")
    return render(
        request,
        "activities/goals.html",
        {"form": form, "goals": selectors.goals_managed_by(request.user)},
    )


@login_required
def report_day(request):
    """The rep's daily report of a day: the touches of that day plus a reflection."""
    rep = rep_for(request)
    day = parse_day(request.GET.get("day") or request.POST.get("day"))
    report = selectors.reports_queryset(request.user).filter(rep=rep, day=day).first()
    if report is not None and request.method == "GET" and rep != request.user:
        return redirect("activities:report", report.pk)
    form = ReportForm(
        request.POST or None, initial={"reflection": report.reflection if report else ""}
    )
    if request.method == "POST":
        if rep != request.user:
            raise Http404
        if form.is_valid():
            submitted = run_service(
                form,
                lambda: services.submit_daily_report(
                    actor=request.user, day=day, reflection=form.cleaned_data["reflection"]
                ),
            )
            if submitted:
                messages.success(request, _("Your daily report was submitted."))
                return redirect("activities:report", submitted.pk)
    since, until = selectors.day_bounds(day)
    touches = selectors.list_touches(
        request.user, rep_id=rep.pk, since=since, until=until, size=200
    ).items
    return render(
        request,
        "activities/report_day.html",
        {
            "rep": rep,
            "day": day,
            "report": report,
            "form": form,
            "touches": touches,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
        },
    )


@login_required
def report_list(request):
    reports = (
        selectors.reports_queryset(request.user).select_related("rep").order_by("-day", "-id")[:100]
    )
    return render(request, "activities/report_list.html", {"reports": reports})


@login_required
def report_detail(request, pk: int):
    report = selectors.get_report(request.user, pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: services.comment_on_report(
                actor=request.user, report=report, body=form.cleaned_data["body"]
            ),
        ):
            messages.success(request, _("Comment added."))
            return redirect("activities:report", report.pk)
    return _report_page(request, report, form=form)


def _report_page(request, report, *, form=None, return_form=None, status: int = 200):
    """The report as it reads now — or, once approved, as it was approved — with the
    comments and the manager's approve / send back buttons."""
    frozen = (
        report.approved_content
        if report.status == ReportStatus.APPROVED and report.approved_content
        else None
    )
    since, until = selectors.day_bounds(report.day)
    touches = (
        []
        if frozen
        else selectors.list_touches(
            request.user, rep_id=report.rep_id, since=since, until=until, size=200
        ).items
    )
    return render(
        request,
        "activities/report_detail.html",
        {
            "report": report,
            "touches": touches,
            "comments": report.comments.select_related("author"),
            "form": form or CommentForm(),
            "frozen": frozen_touches(frozen),
            "return_form": return_form or CommentForm(prefix="return"),
            "reflection": frozen["reflection"] if frozen else report.reflection,
            "can_approve": request.user.pk != report.rep_id
            and report.status == ReportStatus.SUBMITTED,
        },
        status=status,
    )


def frozen_touches(content: dict | None) -> list[dict] | None:
    """The touches kept when the report was approved, ready for the page."""
    if content is None:
        return None
    labels, moods = dict(TouchKind.choices), dict(Mood.choices)
    return [
        {
            **t,
            "occurred_at": parse_datetime(t["occurred_at"]),
            "kind_label": labels.get(t["kind"], t["kind"]),
            "mood_label": moods.get(t.get("mood") or "", ""),
        }
        for t in content.get("touches", [])
    ]


@login_required
@require_POST
def report_approve(request, pk: int):
    report = selectors.get_report(request.user, pk)
    form = CommentForm()
    if run_service(form, lambda: services.approve_daily_report(actor=request.user, report=report)):
        messages.success(request, _("Approved."))
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("activities:report", report.pk)


@login_required
@require_POST
def report_return(request, pk: int):
    """Send the report back for correction (差し戻し) with a comment."""
    report = selectors.get_report(request.user, pk)
    form = CommentForm(request.POST, prefix="return")
    if form.is_valid() and run_service(
        form,
        lambda: services.return_daily_report(
            actor=request.user, report=report, comment=form.cleaned_data["body"]
        ),
    ):
        messages.success(request, _("Sent back to %(rep)s for correction.") % {"rep": report.rep})
        return redirect("activities:report", report.pk)
    return _report_page(request, report, return_form=form, status=422)


@login_required
def reports_missing(request):
    """Managers: who has not submitted the daily report of a day."""
    if not (request.user.is_manager or request.user.is_admin):
        raise Http404
    day = parse_day(request.GET.get("day"))
    return render(
        request,
        "activities/reports_missing.html",
        {
            "day": day,
            "rows": selectors.missing_reports(request.user, day),
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
        },
    )


@login_required
def handover(request):
    """Select many customers of a rep and hand them over with a note."""
    owner = rep_for(request) if request.GET.get("rep") else request.user
    kind = "company" if request.GET.get("kind") == "company" else "person"
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ids = [int(i) for i in request.POST.getlist("customer") if i.isdigit()][:500]
        scope = (
            customer_selectors.people_queryset
            if kind == "person"
            else customer_selectors.companies_queryset
        )
        # one query for the whole selection; a customer outside the user's scope is a 404
        # for the request, as when it is handed over alone
        customers = list(scope(request.user, "change").filter(pk__in=ids))
        if len(customers) != len(set(ids)):
            raise Http404
        periods = run_service(
            form,
            lambda: services.hand_over_customers(
                actor=request.user,
                to_user=form.cleaned_data["to_user"],
                note=form.cleaned_data["note"],
                **{"people" if kind == "person" else "companies": customers},
            ),
        )
        if periods:
            messages.success(
                request, _("%(count)d customers were handed over.") % {"count": len(periods)}
            )
            return redirect(safe_next(request, request.get_full_path()))
        if periods is not None and not form.errors:
            form.add_error(None, _("Choose at least one customer."))
    page = selectors.customers_owned(
        request.user, owner.pk, kind=kind, cursor=request.GET.get("after"), size=100
    )
    return render(
        request,
        "activities/handover.html",
        {
            "form": form,
            "page": page,
            "owner": owner,
            "kind": kind,
            "team": account_selectors.reps_led_by(request.user),
        },
    )


@login_required
@require_POST
def handover_one(request, kind: str, pk: int):
    """The handover form on the customer page."""
    getter = customer_selectors.get_person if kind == "person" else customer_selectors.get_company
    customer = getter(request.user, pk, "change")
    form = HandoverForm(request.POST)
    url = f"customers:{kind}"
    if form.is_valid():
        periods = run_service(
            form,
            lambda: services.hand_over_customers(
                actor=request.user,
                to_user=form.cleaned_data["to_user"],
                note=form.cleaned_data["note"],
                **{"people" if kind == "person" else "companies": [customer]},
            ),
        )
        if periods is not None:
            messages.success(
                request, _("Handed over to %(user)s.") % {"user": form.cleaned_data["to_user"]}
            )
            return redirect(url, pk)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(url, pk)


@login_required
def no_next_step(request):
    owner = request.GET.get("owner", "me")
    owner_id = request.user.pk if owner == "me" else int_or_none(owner)
    if (
        owner_id is not None
        and owner_id != request.user.pk
        and not may_see_customers_of(request.user, owner_id)
    ):
        raise Http404
    page = selectors.no_next_step(request.user, owner_id=owner_id, cursor=request.GET.get("after"))
    return render(
        request,
        "activities/no_next_step.html",
        {"page": page, "owner": owner, "team": account_selectors.reps_led_by(request.user)},
    )
