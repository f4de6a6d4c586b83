"""My day, notifications and the per-user calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daifuku.accounts import selectors as account_selectors
from daifuku.core.screens import page_or_partial, safe_next, wants_partial

from .. import selectors, services
from ..calendar import feed_for
from ..timeline_sources import calendar_url
from .common import rep_for


@login_required
def home(request):
    """ "My day": overdue, today and this week; a manager picks any rep of the team."""
    rep = rep_for(request)
    context = {
        "rep": rep,
        "day": selectors.my_day(request.user, rep),
        "team": account_selectors.reps_led_by(request.user)
        if (request.user.is_manager or request.user.is_admin)
        else [],
        "notifications": selectors.notifications(request.user, unread_only=True, limit=10)
        if rep == request.user
        else [],
        "calendar_url": calendar_url(request, request.user),
        "calendar_panel": {"calendar_url": calendar_url(request, request.user)},
    }
    return page_or_partial(
        request, "activities/home.html", "activities/partials/_my_day.html", context
    )


@login_required
def notification_list(request):
    return render(
        request,
        "activities/notifications.html",
        {"notifications": selectors.notifications(request.user, limit=200)},
    )


@login_required
@require_POST
def notifications_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    services.mark_notifications_read(actor=request.user, ids=ids)
    if wants_partial(request):
        return render(request, "activities/partials/_notifications.html", {"notifications": []})
    return redirect(safe_next(request, reverse("activities:notifications")))


@login_required
@require_POST
def calendar_rotate(request):
    """Turn the calendar feed on or give it a new address (from My day or the account page)."""
    services.enable_calendar_feed(actor=request.user, user=request.user)
    messages.success(
        request, _("Your calendar feed has a new address. Subscribe to it again in your calendar.")
    )
    return redirect(safe_next(request, reverse("activities:home")))


@login_required
@require_POST
def calendar_disable(request):
    services.disable_calendar_feed(actor=request.user, user=request.user)
    messages.success(request, _("Your calendar feed is turned off."))
    return redirect(safe_next(request, reverse("activities:home")))


def calendar_feed(request, secret: str):
    """The secret iCalendar URL Google Calendar / Outlook subscribe to (no login: the
    secret in the URL is the credential; rotating it revokes old subscriptions)."""
    if len(secret) < 20:
        raise Http404
    user = account_selectors.user_by_calendar_secret(secret)
    if user is None:
        raise Http404
    response = HttpResponse(feed_for(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="daifuku.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
