"""The advocacy panel of the person page (core.panels slot "person.top")."""

from __future__ import annotations

from daifuku.accounts.permissions import CHANGE, may


def person_advocacy_panel(request, person) -> dict:
    from .views.advocacy import panel_context

    context = panel_context(request, person)
    context["can_change"] = may(request.user, CHANGE, person)
    return context
