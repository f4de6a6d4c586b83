"""Helpers shared by the activities views."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from daifuku.accounts import selectors as account_selectors
from daifuku.accounts.permissions import sees_everything
from daifuku.customers import selectors as customer_selectors

from ..permissions import is_team_lead


def customer_from(request, source=None):
    """``(person, company)`` named by ``person``/``company`` parameters, through the
    customer selectors (404 when out of scope or missing)."""
    source = source if source is not None else request.GET
    person = company = None
    if source.get("person"):
        person = customer_selectors.get_person(request.user, source.get("person"))
    if source.get("company"):
        company = customer_selectors.get_company(request.user, source.get("company"))
    return person, company


def rep_for(request):
    """The rep whose day/report is shown: the user, or a rep of the manager's team."""
    rep_id = request.GET.get("rep")
    if not rep_id or str(rep_id) == str(request.user.pk):
        return request.user
    rep = account_selectors.get_active_user(rep_id)
    if not is_team_lead(request.user, rep):
        raise Http404
    return rep


def may_see_customers_of(user, owner_id) -> bool:
    """May ``user`` list another user's customers by their next actions? Managers and
    admins: anyone's; a rep: their own team's."""
    owner = account_selectors.find_user(owner_id)
    if owner is None:
        return False
    return sees_everything(user) or bool(user.team_id and owner.team_id == user.team_id)


def parse_day(value) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        raise Http404 from None
