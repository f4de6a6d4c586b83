"""The UI shell: dashboard, settings hub and the areas later issues fill in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from daifuku.core import panels
from daifuku.customers import selectors as customer_selectors

from . import manager

PLANNED_AREAS = {
    "marketing": (_("Marketing"), _("Segments, step mails, campaigns and events arrive here.")),
    "service": (_("Service"), _("Inquiries, web forms and the knowledge base arrive here.")),
    "analytics": (_("Analytics"), _("LTV, RFM, ranks, cohorts and dashboards arrive here.")),
}


@login_required
def home(request):
    recent = customer_selectors.people_queryset(request.user).order_by("-updated_at", "-id")[:8]
    return render(
        request,
        "web/home.html",
        {
            "recent_people": recent,
            "dashboard_panels": panels.render_context("dashboard", request),
            "team": manager.team_overview(request.user)
            if manager.shows_team(request.user)
            else None,
        },
    )


@login_required
def planned_area(request, area: str):
    title, description = PLANNED_AREAS[area]
    return render(request, "web/planned_area.html", {"title": title, "description": description})


@login_required
def analytics_area(request):
    """The analytics area lives in the dashboards app (分析 → /dashboards/)."""
    return redirect("dashboards:home")


@login_required
def settings_home(request):
    # domains add their own settings sections (panels slot "settings": each template
    # decides who sees it, e.g. administrators only)
    return render(
        request,
        "web/settings.html",
        {"settings_panels": panels.render_context("settings", request)},
    )
