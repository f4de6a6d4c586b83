"""Activities' metric for the KPI catalogue (``core.metrics``): touches (接触数)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from daifuku.core import metrics
from daifuku.core.metrics import Scope

from .models import Touch


def touches(start: dt.date, end: dt.date, scope: Scope) -> int:
    """Visits, calls and mails recorded in the period (by the scope's rep or team)."""
    first, after = metrics.bounds(start, end)
    qs = Touch.objects.filter(occurred_at__gte=first, occurred_at__lt=after)
    if scope.user_id:
        qs = qs.filter(rep_id=scope.user_id)
    if scope.team_id:
        qs = qs.filter(team_id=scope.team_id)
    return qs.count()


def register() -> None:
    metrics.register("activities.touches", _("Touches"), touches)
