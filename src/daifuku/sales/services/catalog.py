"""Pipelines, stages, lost reasons and the organisation's sales settings (products are
commerce's catalog; ``create_product`` / ``update_product`` are its services)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# the catalog is commerce's (docs/adr/0008-product-catalog-in-commerce.md): sales delegates
from daifuku.commerce.services import create_product, update_product  # noqa: F401
from daifuku.core import audit, kept_lists
from daifuku.core.errors import ValidationFailed

from ..models import LostReason, Pipeline, SalesSettings, Stage, StageKind
from .common import percent, require_manager

STAGE_FIELDS = ("name", "position", "probability", "kind", "rotting_days")


def _clean_stage(data: dict[str, Any], creating: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if "name" in data or creating:
        values["name"] = str(data.get("name") or "").strip()
        if not values["name"]:
            errors["name"] = [_("Enter a stage name.")]
    if "kind" in data:
        if data["kind"] not in StageKind.values:
            errors["kind"] = [_("Use open, won or lost.")]
        values["kind"] = data["kind"]
    if "probability" in data:
        values["probability"] = percent(data["probability"], "probability", errors)
        if values["probability"] is None and "probability" not in errors:
            values["probability"] = 0
    if "rotting_days" in data:
        raw = data["rotting_days"]
        try:
            values["rotting_days"] = None if raw in (None, "") else int(raw)
            if values["rotting_days"] is not None and not 1 <= values["rotting_days"] <= 3650:
                raise ValueError
        except (TypeError, ValueError):
            errors["rotting_days"] = [
                _("Enter a number of days between 1 and 3650, or leave it empty.")
            ]
    if "position" in data:
        try:
            values["position"] = max(0, int(data["position"]))
        except (TypeError, ValueError):
            errors["position"] = [_("Enter a whole number.")]
    if errors:
        raise ValidationFailed(errors)
    kind = values.get("kind")
    if kind == StageKind.WON and "probability" not in data:
        values["probability"] = 100
    return values


DEFAULT_STAGES = (
    # (name msgid, probability, kind, rotting days); names are stored translated
    (gettext_noop("Qualification"), 10, StageKind.OPEN, 30),
    (gettext_noop("Proposal"), 30, StageKind.OPEN, 30),
    (gettext_noop("Quote"), 60, StageKind.OPEN, 21),
    (gettext_noop("Negotiation"), 80, StageKind.OPEN, 14),
    (gettext_noop("Won"), 100, StageKind.WON, None),
    (gettext_noop("Lost"), 0, StageKind.LOST, None),
)


@transaction.atomic
def create_pipeline(*, actor, name: str, stages: list[dict[str, Any]] | None = None) -> Pipeline:
    """Add a pipeline with its ordered stages. Without ``stages`` the usual B2B steps are
    created (見込み → 提案 → 見積 → 交渉 → 受注 / 失注). A pipeline always ends with a won
    and a lost stage so every deal can be closed."""
    require_manager(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": [_("Enter a pipeline name.")]})
    if Pipeline.objects.filter(name=name).exists():
        raise ValidationFailed(
            {"name": [_("A pipeline with this name already exists.")]}, code="duplicate"
        )
    if stages is None:
        stages = [
            {"name": _(label), "probability": p, "kind": k, "rotting_days": r}
            for label, p, k, r in DEFAULT_STAGES
        ]
    cleaned = []
    for index, raw in enumerate(stages):
        try:
            cleaned.append(_clean_stage({**raw, "position": (index + 1) * 10}, creating=True))
        except ValidationFailed as exc:
            raise ValidationFailed(
                {f"stages.{index}.{k}": v for k, v in exc.errors.items()}
            ) from None
    kinds = {s.get("kind", StageKind.OPEN) for s in cleaned}
    if StageKind.OPEN not in kinds or StageKind.WON not in kinds or StageKind.LOST not in kinds:
        raise ValidationFailed(
            {
                "stages": [
                    _("A pipeline needs at least one open stage, a won stage and a lost stage.")
                ]
            }
        )
    position = (Pipeline.objects.aggregate(m=Max("position"))["m"] or 0) + 10
    pipeline = Pipeline.objects.create(name=name, position=position)
    for values in cleaned:
        Stage.objects.create(pipeline=pipeline, **values)
    audit.record(
        actor=actor,
        action="create",
        obj=pipeline,
        changes={"name": [None, name], "stages": [None, [s["name"] for s in cleaned]]},
    )
    return pipeline


@transaction.atomic
def update_pipeline(*, actor, pipeline: Pipeline, data: dict[str, Any]) -> Pipeline:
    require_manager(actor)
    current = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
    before = audit.snapshot(current, ("name", "is_active", "position"))
    if "name" in data:
        name = str(data["name"] or "").strip()
        if not name:
            raise ValidationFailed({"name": [_("Enter a pipeline name.")]})
        if Pipeline.objects.filter(name=name).exclude(pk=current.pk).exists():
            raise ValidationFailed(
                {"name": [_("A pipeline with this name already exists.")]}, code="duplicate"
            )
        current.name = name
    if "is_active" in data:
        current.is_active = bool(data["is_active"])
    current.save()
    changes = audit.diff(before, audit.snapshot(current, ("name", "is_active", "position")))
    if changes:
        audit.record(actor=actor, action="update", obj=current, changes=changes)
    return current


@transaction.atomic
def create_stage(*, actor, pipeline: Pipeline, data: dict[str, Any]) -> Stage:
    """Add a stage; without a position it goes after the last open stage."""
    require_manager(actor)
    values = _clean_stage(data, creating=True)
    if "position" not in values:
        last_open = (
            pipeline.stages.filter(kind=StageKind.OPEN).aggregate(m=Max("position"))["m"] or 0
        )
        values["position"] = last_open + 5
    stage = Stage.objects.create(pipeline=pipeline, **values)
    audit.record(
        actor=actor,
        action="create",
        obj=stage,
        subject=pipeline,
        changes=audit.diff({}, audit.snapshot(stage, STAGE_FIELDS)),
    )
    return stage


@transaction.atomic
def update_stage(*, actor, stage: Stage, data: dict[str, Any]) -> Stage:
    """Rename, reorder or re-weight a stage. A new default probability applies to the
    open deals in the stage whose probability was not set by hand."""
    require_manager(actor)
    from ..models import Deal

    current = Stage.objects.select_for_update().get(pk=stage.pk)
    values = _clean_stage(data, creating=False)
    if "kind" in values and values["kind"] != current.kind and current.deals.exists():
        raise ValidationFailed(
            {"kind": [_("The kind of a stage that holds deals cannot change.")]},
            code="stage_in_use",
        )
    before = audit.snapshot(current, STAGE_FIELDS)
    for name, value in values.items():
        setattr(current, name, value)
    current.save()
    changes = audit.diff(before, audit.snapshot(current, STAGE_FIELDS))
    if "probability" in changes:
        Deal.objects.filter(stage=current, status="open", probability_overridden=False).update(
            probability=current.probability
        )
    if changes:
        audit.record(
            actor=actor, action="update", obj=current, subject=current.pipeline, changes=changes
        )
    return current


@transaction.atomic
def update_sales_settings(*, actor, data: dict[str, Any]) -> SalesSettings:
    """Fiscal year start month (1–12; April by default) and stall days."""
    require_manager(actor)
    current = SalesSettings.objects.select_for_update().filter(pk=1).first() or SalesSettings(pk=1)
    errors: dict[str, list[str]] = {}
    before = {
        "fiscal_year_start_month": current.fiscal_year_start_month,
        "stall_days": current.stall_days,
    }
    if "fiscal_year_start_month" in data:
        try:
            month = int(data["fiscal_year_start_month"])
            if not 1 <= month <= 12:
                raise ValueError
            current.fiscal_year_start_month = month
        except (TypeError, ValueError):
            errors["fiscal_year_start_month"] = [_("Enter a month between 1 and 12.")]
    if "stall_days" in data:
        try:
            days = int(data["stall_days"])
            if not 1 <= days <= 365:
                raise ValueError
            current.stall_days = days
        except (TypeError, ValueError):
            errors["stall_days"] = [_("Enter a number of days between 1 and 365.")]
    if errors:
        raise ValidationFailed(errors)
    current.updated_at = timezone.now()
    current.save()
    after = {
        "fiscal_year_start_month": current.fiscal_year_start_month,
        "stall_days": current.stall_days,
    }
    audit.record(actor=actor, action="update", obj=current, changes=audit.diff(before, after))
    return current


def _lost_reason_name(value, current: LostReason | None) -> str:
    return kept_lists.clean_name(
        LostReason,
        value,
        current=current,
        limit=100,
        empty=_("Enter a lost reason."),
        duplicate=_("This lost reason already exists."),
    )


@transaction.atomic
def create_lost_reason(*, actor, name: str) -> LostReason:
    """Add a reason to the list a lost deal chooses from (at the end of the list)."""
    require_manager(actor)
    return kept_lists.add_entry(actor=actor, model=LostReason, name=_lost_reason_name(name, None))


@transaction.atomic
def update_lost_reason(*, actor, reason: LostReason, data: dict[str, Any]) -> LostReason:
    """Rename, reorder (``position``) or deactivate (``is_active``) a lost reason. Deals
    lost for it keep it; a deactivated reason is no longer offered."""
    require_manager(actor)
    return kept_lists.change_entry(actor=actor, entry=reason, data=data, clean=_lost_reason_name)
