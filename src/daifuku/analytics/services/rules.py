"""What administrators set for customer analytics: the rank rules and the RFM scale.

A change re-evaluates everybody in a background job (rank rules: the rebuild keeping the
RFM cut points; the RFM scale: a rebuild). These services queue those jobs; the jobs' bodies
(:mod:`daifuku.analytics.jobs`) compute through :mod:`.metrics` and :mod:`.ranks` and never
come back here, so there is no import circle between services and jobs."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import is_user
from daifuku.core import audit
from daifuku.core.errors import PermissionDenied, ValidationFailed

from ..models import RankRule, RFMScale
from . import metrics

MAX_MONTHS = 120
FIELDS = ("name", "min_purchases", "min_amount", "period_months", "priority", "is_active")


def require_admin(actor) -> None:
    if is_user(actor) and not actor.is_admin:
        raise PermissionDenied(_("Only administrators can change the rank rules."))


def _clean(data: dict[str, Any], current: RankRule | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if "name" in data or current is None:
        name = unicodedata.normalize("NFKC", str(data.get("name") or "")).strip()
        if not name:
            errors["name"] = [_("Enter the rank's name.")]
        elif len(name) > 40:
            errors["name"] = [_("At most %(limit)d characters.") % {"limit": 40}]
        elif (
            RankRule.objects.filter(name=name)
            .exclude(pk=current.pk if current is not None else 0)
            .exists()
        ):
            errors["name"] = [_("A rank with this name already exists.")]
        values["name"] = name
    for field, limit in (
        ("min_purchases", 100_000),
        ("min_amount", 10**13),
        ("period_months", MAX_MONTHS),
        ("priority", 1_000_000),
    ):
        if field not in data:
            continue
        raw = data[field]
        if isinstance(raw, str):
            raw = (
                unicodedata.normalize("NFKC", raw)
                .replace(",", "")
                .replace("¥", "")
                .replace("円", "")
                .strip()
                or "0"
            )
        try:
            number = int(raw)
            if (
                isinstance(raw, bool)
                or isinstance(raw, float)
                and raw != number
                or not 0 <= number <= limit
            ):
                raise ValueError
        except (TypeError, ValueError):
            errors[field] = [
                _("Enter a whole number between 0 and %(limit)s.") % {"limit": f"{limit:,}"}
            ]
            continue
        values[field] = number
    if "is_active" in data:
        values["is_active"] = bool(data["is_active"])
    if errors:
        raise ValidationFailed(errors)
    return values


def _rerank(actor) -> None:
    """Everyone's rank under the new rules, after commit, in the background."""
    from ..jobs import rerank

    transaction.on_commit(lambda: rerank.enqueue())


@transaction.atomic
def create_rule(*, actor, data: dict[str, Any]) -> RankRule:
    require_admin(actor)
    rule = RankRule.objects.create(**_clean(data, None))
    audit.record(
        actor=actor,
        action="create",
        obj=rule,
        changes={f: [None, getattr(rule, f)] for f in FIELDS},
    )
    _rerank(actor)
    return rule


@transaction.atomic
def update_rule(*, actor, rule: RankRule, data: dict[str, Any]) -> RankRule:
    require_admin(actor)
    values = _clean(data, rule)
    changes = {f: [getattr(rule, f), v] for f, v in values.items() if getattr(rule, f) != v}
    if not changes:
        return rule
    for field, value in values.items():
        setattr(rule, field, value)
    rule.updated_at = timezone.now()
    rule.save()
    audit.record(actor=actor, action="update", obj=rule, changes=changes)
    _rerank(actor)
    return rule


@transaction.atomic
def delete_rule(*, actor, rule: RankRule) -> None:
    """Remove a rank; its holders are re-evaluated (history keeps its name)."""
    require_admin(actor)
    audit.record(actor=actor, action="delete", obj=rule, changes={"name": [rule.name, None]})
    rule.delete()
    _rerank(actor)


def _cuts(raw, field: str, errors: dict) -> list[int]:
    """Four strictly ascending whole numbers ≥ 0 from "30, 90, 180, 365" or a list."""
    if isinstance(raw, str):
        parts = [
            p
            for p in unicodedata.normalize("NFKC", raw)
            .replace("、", ",")
            .replace(" ", ",")
            .split(",")
            if p
        ]
    else:
        parts = list(raw or [])
    try:
        values = [int(str(p).replace("¥", "").strip()) for p in parts]
    except ValueError:
        values = []
    if (
        len(values) != 4
        or any(v < 0 for v in values)
        or any(b <= a for a, b in zip(values[:-1], values[1:], strict=True))
    ):
        errors[field] = [_("Enter four whole numbers in ascending order, e.g. 30, 90, 180, 365.")]
    return values


@transaction.atomic
def set_rfm_scale(
    *, actor, entity: str, mode: str, recency="", frequency="", monetary=""
) -> RFMScale:
    """An administrator chooses quintiles (the rebuild sets the cut points) or fixed
    thresholds; everybody is scored again in the background (rebuild keeping them)."""
    require_admin(actor)
    if entity not in metrics.ENTITIES or mode not in RFMScale.Mode.values:
        raise ValidationFailed({"mode": [_("Choose quintiles or thresholds.")]})
    scale = metrics.scale_for(entity)
    before = {
        "mode": scale.mode,
        "recency": scale.recency_cuts,
        "frequency": scale.frequency_cuts,
        "monetary": scale.monetary_cuts,
    }
    scale.mode = mode
    if mode == RFMScale.Mode.THRESHOLDS:
        errors: dict[str, list[str]] = {}
        scale.recency_cuts = _cuts(recency, "recency", errors)
        scale.frequency_cuts = _cuts(frequency, "frequency", errors)
        scale.monetary_cuts = _cuts(monetary, "monetary", errors)
        if errors:
            raise ValidationFailed(errors)
        scale.calibrated_at = None
    scale.save()
    after = {
        "mode": scale.mode,
        "recency": scale.recency_cuts,
        "frequency": scale.frequency_cuts,
        "monetary": scale.monetary_cuts,
    }
    audit.record(
        actor=actor,
        action="update",
        obj=scale,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    from ..jobs import rebuild_metrics

    # quintiles: cut points from the buyers now; thresholds: everybody against the new ones
    transaction.on_commit(lambda: rebuild_metrics.enqueue(None))
    return scale
