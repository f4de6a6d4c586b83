"""Next actions: plan, edit, complete (offering to log the touch), cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts.permissions import CHANGE
from daifuku.core.errors import DomainError
from daifuku.core.screens import run_service, safe_next

from .. import selectors, services
from ..forms import NextActionForm
from .common import customer_from


@login_required
def action_create(request):
    source = request.POST if request.method == "POST" else request.GET
    person, company = customer_from(request, source)
    if person is None and company is None:
        raise Http404
    form = NextActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = run_service(
            form,
            lambda: services.create_next_action(
                actor=request.user, data=form.to_data(), person=person, company=company
            ),
        )
        if action:
            messages.success(request, _("Next action planned."))
            return redirect(safe_next(request, reverse("activities:home")))
    return render(
        request,
        "activities/action_form.html",
        {"form": form, "person": person, "company": company, "next": source.get("next", "")},
    )


@login_required
def action_edit(request, pk: int):
    action = selectors.get_next_action(request.user, pk, CHANGE)
    initial = {
        f: getattr(action, f)
        for f in ("title", "kind", "duration_minutes", "priority", "remind_minutes_before", "notes")
    }
    initial.update({"due_at": timezone.localtime(action.due_at), "assignee": action.assignee_id})
    form = NextActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: services.update_next_action(
                actor=request.user, action=action, data=form.to_data()
            ),
        ):
            messages.success(request, _("Saved."))
            return redirect(safe_next(request, reverse("activities:home")))
    source = request.POST if request.method == "POST" else request.GET
    # the form always states where to go back to (a missing variable in a filter argument is a 500)
    return render(
        request,
        "activities/action_form.html",
        {
            "form": form,
            "action": action,
            "next": source.get("next", ""),
            "person": action.person,
            "company": action.company,
        },
    )


def _close(request, pk: int, service, message: str):
    action = selectors.get_next_action(request.user, pk, CHANGE)
    try:
        service(actor=request.user, action=action)
        messages.success(request, message)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(safe_next(request, reverse("activities:home")))


@login_required
@require_POST
def action_complete(request, pk: int):
    """Done without a touch (the button next to "log the touch")."""
    return _close(request, pk, services.complete_next_action, _("Marked as done."))


@login_required
@require_POST
def action_cancel(request, pk: int):
    return _close(request, pk, services.cancel_next_action, _("Cancelled."))
