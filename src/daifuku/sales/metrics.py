"""Sales' metrics for the KPI catalogue (``core.metrics``): deals won and their amount."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from daifuku.core import metrics
from daifuku.core.metrics import Scope

from .models import Deal
from .models.deals import DealStatus


def _won(start: dt.date, end: dt.date, scope: Scope):
    first, after = metrics.bounds(start, end)
    qs = Deal.objects.filter(status=DealStatus.WON, closed_at__gte=first, closed_at__lt=after)
    if scope.user_id:
        qs = qs.filter(owner_id=scope.user_id)
    if scope.team_id:
        qs = qs.filter(team_id=scope.team_id)
    return qs


def deals_won(start: dt.date, end: dt.date, scope: Scope) -> int:
    """Deals closed as won in the period."""
    return _won(start, end, scope).count()


def won_amount(start: dt.date, end: dt.date, scope: Scope) -> int:
    """Amount (yen) of the deals won in the period."""
    return int(_won(start, end, scope).aggregate(total=Sum("amount"))["total"] or 0)


def register() -> None:
    metrics.register("sales.deals_won", _("Deals won"), deals_won)
    metrics.register("sales.won_amount", _("Amount of deals won"), won_amount, unit="yen")
