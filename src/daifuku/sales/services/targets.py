"""Targets (予算) per rep or team and period, and saved deal list views."""

from __future__ import annotations

from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import is_user
from daifuku.core import audit
from daifuku.core.errors import NotFound, ValidationFailed

from ..maths.periods import Period, PeriodError, parse_period
from ..models import SalesSettings, SavedView, Target, TargetMetric
from .common import require_manager, yen


@transaction.atomic
def set_target(*, actor, metric: str, period: str, value, user=None, team=None) -> Target:
    """Set (or change) what a rep or a team should achieve in a period: ``2026-05`` (a
    month), ``2026-Q1`` (a fiscal quarter) or ``FY2026`` (a fiscal year)."""
    require_manager(actor)
    errors: dict[str, list[str]] = {}
    if metric not in TargetMetric.values:
        errors["metric"] = [_("Use revenue, deals_won or new_customers.")]
    try:
        parsed = parse_period(period, SalesSettings.current().fiscal_year_start_month)
    except PeriodError:
        errors["period"] = [_("Use YYYY-MM, YYYY-Q1…Q4 (fiscal) or FYYYYY.")]
        parsed = None
    amount = yen(value, "value", errors, required=True)
    if (user is None) == (team is None):
        errors["user"] = [_("Set the target for either a rep or a team.")]
    if errors:
        raise ValidationFailed(errors)
    # both given: an unparsable period or a missing value was reported above
    parsed, amount = cast(Period, parsed), cast(int, amount)
    lookup = {"metric": metric, "period": parsed.key, "user": user, "team": team}
    target = Target.objects.select_for_update().filter(**lookup).first()
    if target is None:
        target = Target.objects.create(
            **lookup, starts_on=parsed.start, ends_on=parsed.end, value=amount
        )
        audit.record(
            actor=actor,
            action="create",
            obj=target,
            subject=user or team,
            changes={
                "metric": [None, metric],
                "period": [None, parsed.key],
                "value": [None, amount],
            },
        )
    elif target.value != amount:
        audit.record(
            actor=actor,
            action="update",
            obj=target,
            subject=user or team,
            changes={"value": [target.value, amount]},
        )
        target.value = amount
        target.updated_at = timezone.now()
        target.save(update_fields=["value", "updated_at"])
    return target


@transaction.atomic
def delete_target(*, actor, target: Target) -> None:
    require_manager(actor)
    audit.record(
        actor=actor,
        action="delete",
        obj=target,
        subject=target.user or target.team,
        changes={"value": [target.value, None]},
    )
    target.delete()


@transaction.atomic
def save_view(*, actor, name: str, query: str) -> SavedView:
    """Keep the current deal list filters under a name (one per name and user)."""
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationFailed({"name": [_("Give the view a name.")]})
    if not is_user(actor):
        raise ValidationFailed({"name": [_("Only a signed-in user can save views.")]})
    view, created = SavedView.objects.update_or_create(
        user=actor, name=name, defaults={"query": (query or "")[:1000]}
    )
    audit.record(
        actor=actor,
        action="create" if created else "update",
        obj=view,
        subject=actor,
        changes={"query": [None, view.query]},
    )
    return view


@transaction.atomic
def delete_saved_view(*, actor, view: SavedView) -> None:
    if view.user_id != getattr(actor, "pk", None):
        raise NotFound()
    audit.record(actor=actor, action="delete", obj=view, subject=actor)
    view.delete()
