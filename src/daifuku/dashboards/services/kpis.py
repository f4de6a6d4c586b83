"""KPIs: managers and administrators define them and set their targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import is_user, sees_everything
from daifuku.core import audit, metrics
from daifuku.core.errors import PermissionDenied, ValidationFailed

from .. import periods
from ..models import Kpi, KpiTarget, PeriodType


def _require_manager(actor) -> None:
    if is_user(actor) and not sees_everything(actor):
        raise PermissionDenied(_("Only managers and administrators can set KPIs."))


def _owner(value, errors: dict):
    """A user, a user's id, or nothing (the KPI is the organisation's)."""
    from django.contrib.auth import get_user_model

    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return value
    try:
        found = get_user_model().objects.filter(pk=int(value), is_active=True).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        errors["owner"] = [_("Choose an active user.")]
    return found


def _clean(data: dict[str, Any], kpi: Kpi | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    if "metric" in data or kpi is None:
        metric = str(data.get("metric") or "").strip()
        if metrics.get(metric) is None:
            errors["metric"] = [_("Choose a metric of the catalogue.")]
        clean["metric"] = metric
    if "name" in data or kpi is None:
        name = str(data.get("name") or "").strip()
        if not name and clean.get("metric") and metrics.get(clean["metric"]):
            name = str(metrics.get(clean["metric"]).label)  # type: ignore[union-attr]
        if not name:
            errors["name"] = [_("Enter a name.")]
        elif len(name) > 100:
            errors["name"] = [_("At most %(limit)d characters.") % {"limit": 100}]
        clean["name"] = name
    if "period_type" in data or kpi is None:
        period_type = str(data.get("period_type") or PeriodType.MONTH)
        if period_type not in PeriodType.values:
            errors["period_type"] = [_("Choose month, quarter or fiscal year.")]
        clean["period_type"] = period_type
    for flag in ("owner_only", "is_active"):
        if flag in data:
            clean[flag] = bool(data[flag])
    if "owner" in data:
        clean["owner"] = _owner(data["owner"], errors)
    if errors:
        raise ValidationFailed(errors)
    return clean


@transaction.atomic
def create_kpi(*, actor, data: dict[str, Any]) -> Kpi:
    """Add a KPI: ``metric`` (a key of the catalogue), ``name`` (the metric's label when
    empty), ``period_type``, ``owner`` (a user or None), ``owner_only``; ``targets``
    optionally (see :func:`set_targets`)."""
    _require_manager(actor)
    clean = _clean(data, None)
    kpi = Kpi.objects.create(**clean)
    audit.record(actor=actor, action="create", obj=kpi, changes={"metric": kpi.metric})
    if data.get("targets"):
        set_targets(actor=actor, kpi=kpi, targets=data["targets"])
    return kpi


@transaction.atomic
def update_kpi(*, actor, kpi: Kpi, data: dict[str, Any]) -> Kpi:
    _require_manager(actor)
    clean = _clean(data, kpi)
    for name, value in clean.items():
        setattr(kpi, name, value)
    kpi.save()
    audit.record(
        actor=actor, action="update", obj=kpi, changes={k: str(v) for k, v in clean.items()}
    )
    return kpi


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        text = str(value).replace(",", "").replace("¥", "").replace("%", "").strip()
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and abs(number) < Decimal(10) ** 13 else None


@transaction.atomic
def set_targets(*, actor, kpi: Kpi, targets: list[dict[str, Any]]) -> list[KpiTarget]:
    """Set (or clear, with an empty ``value``) the targets of some periods:
    ``[{"period_start": date or "YYYY-MM-DD", "value": number}]``. A date inside a period
    means that period. Rates are given as shares (0.3) or percentages ("30%")."""
    _require_manager(actor)
    errors: dict[str, list[str]] = {}
    unit = getattr(metrics.get(kpi.metric), "unit", "count")
    saved = []
    for i, item in enumerate(targets):
        raw_start = item.get("period_start")
        try:
            day = (
                raw_start
                if isinstance(raw_start, dt.date)
                else dt.date.fromisoformat(str(raw_start))
            )
        except ValueError:
            errors[f"targets.{i}.period_start"] = [_("Use an ISO date (2026-04-01).")]
            continue
        start = periods.start_of(day, kpi.period_type)
        raw = item.get("value")
        if raw in (None, ""):
            KpiTarget.objects.filter(kpi=kpi, period_start=start).delete()
            continue
        value = _number(raw)
        if value is None:
            errors[f"targets.{i}.value"] = [_("Enter a number.")]
            continue
        if unit == "rate" and (str(raw).strip().endswith("%") or value > 1):
            value = value / 100
        target, _created = KpiTarget.objects.update_or_create(
            kpi=kpi, period_start=start, defaults={"value": value}
        )
        saved.append(target)
    if errors:
        raise ValidationFailed(errors)
    if saved:
        audit.record(
            actor=actor,
            action="update",
            obj=kpi,
            changes={"targets": {str(t.period_start): str(t.value) for t in saved}},
        )
    return saved
