"""Creating, changing and moving deals through their pipeline."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, check_version, ensure_can, is_user, sees_everything
from daifuku.core import audit, events
from daifuku.core.errors import ValidationFailed

from ..models import (
    Deal,
    DealStatus,
    ForecastCategory,
    LostReason,
    Pipeline,
    Stage,
    StageChange,
    StageFlowDaily,
    StageKind,
)
from .common import date_or_none, percent, yen

AUDITED_FIELDS = (
    "title",
    "company",
    "person",
    "owner",
    "team",
    "pipeline",
    "stage",
    "status",
    "amount",
    "amount_from_lines",
    "expected_close",
    "probability",
    "probability_overridden",
    "forecast_category",
    "source",
    "competitors",
    "description",
    "close_reason",
    "lost_reason",
)
TEXT_FIELDS = {"title": 200, "source": 100, "description": 20000}


def _customer(model_path: str, value, field: str, errors: dict):
    from daifuku.customers.models import Company, Person

    model = Company if model_path == "company" else Person
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        found = model.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        errors[field] = [_("Unknown company.") if model is Company else _("Unknown person.")]
    return found


def _owner_and_team(actor, data: dict, errors: dict, current: Deal | None) -> dict:
    from daifuku.accounts.models import Team, User

    values: dict[str, Any] = {}
    if "owner" in data or "owner_id" in data:
        raw = data.get("owner", data.get("owner_id"))
        owner = (
            raw
            if isinstance(raw, User) or raw is None
            else (
                User.objects.filter(pk=int(raw), is_active=True).first()
                if str(raw).isdigit()
                else User.objects.filter(username=raw, is_active=True).first()
            )
        )
        if raw is not None and owner is None:
            errors["owner"] = [_("Unknown user.")]
        elif (
            owner is not None
            and is_user(actor)
            and not sees_everything(actor)
            and owner.pk != actor.pk
            and (not actor.team_id or owner.team_id != actor.team_id)
        ):
            errors["owner"] = [_("You can hand a deal only to someone in your team.")]
        values["owner"] = owner
    if "team" in data or "team_id" in data:
        raw = data.get("team", data.get("team_id"))
        team = (
            raw
            if isinstance(raw, Team) or raw is None
            else Team.objects.filter(pk=raw).first()
            if str(raw).isdigit()
            else None
        )
        if raw is not None and team is None:
            errors["team"] = [_("Unknown team.")]
        elif (
            team is not None
            and is_user(actor)
            and not sees_everything(actor)
            and team.pk != actor.team_id
        ):
            errors["team"] = [_("You can only use your own team.")]
        values["team"] = team
    return values


def _clean(actor, data: dict[str, Any], *, current: Deal | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, limit in TEXT_FIELDS.items():
        if name in data or (current is None and name == "title"):
            text = str(data.get(name) or "").strip()
            if name == "title" and not text:
                errors["title"] = [_("Enter a title for the deal.")]
            elif len(text) > limit:
                errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
            values[name] = text
    for name in ("company", "person"):
        key = name if name in data else f"{name}_id"
        if key in data:
            values[name] = _customer(name, data[key], key, errors)
    if "amount" in data:
        values["amount"] = yen(data["amount"], "amount", errors)
        if values["amount"] is None:
            values["amount"] = 0
    if "expected_close" in data or current is None:
        values["expected_close"] = date_or_none(
            data.get("expected_close"), "expected_close", errors
        )
        if values["expected_close"] is None and "expected_close" not in errors:
            errors["expected_close"] = [_("Enter the date you expect the deal to close.")]
    if "probability" in data:
        values["probability"] = percent(data["probability"], "probability", errors)
    if "forecast_category" in data:
        if data["forecast_category"] not in ForecastCategory.values:
            errors["forecast_category"] = [_("Use pipeline, best_case, commit or closed.")]
        values["forecast_category"] = data["forecast_category"]
    if "competitors" in data:
        raw = data["competitors"] or []
        if isinstance(raw, str):
            raw = raw.replace("、", ",").split(",")
        if not isinstance(raw, (list, tuple)):
            errors["competitors"] = [_("Give a list of names.")]
        else:
            values["competitors"] = [str(c).strip()[:100] for c in raw if str(c).strip()][:20]
    if "amount_from_lines" in data:
        values["amount_from_lines"] = bool(data["amount_from_lines"])
    values.update(_owner_and_team(actor, data, errors, current))
    company = values.get("company", current.company if current else None)
    person = values.get("person", current.person if current else None)
    if (
        company is None
        and person is None
        and "company" not in errors
        and "person" not in errors
        and "company_id" not in errors
        and "person_id" not in errors
    ):
        errors["company_id"] = [_("Choose a company or a person.")]
    if errors:
        raise ValidationFailed(errors)
    return values


def _stage_of(pipeline_value, stage_value, errors) -> tuple[Pipeline | None, Stage | None]:
    pipeline = pipeline_value if isinstance(pipeline_value, Pipeline) else None
    if pipeline is None and pipeline_value not in (None, ""):
        try:
            pipeline = Pipeline.objects.filter(pk=int(pipeline_value), is_active=True).first()
        except (TypeError, ValueError):
            pipeline = None
        if pipeline is None:
            errors["pipeline_id"] = [_("Unknown pipeline.")]
            return None, None
    stage = stage_value if isinstance(stage_value, Stage) else None
    if stage is None and stage_value not in (None, ""):
        try:
            stage = Stage.objects.select_related("pipeline").filter(pk=int(stage_value)).first()
        except (TypeError, ValueError):
            stage = None
        if stage is None:
            errors["stage_id"] = [_("Unknown stage.")]
            return pipeline, None
    if pipeline is None and stage is not None:
        pipeline = stage.pipeline
    if pipeline is None:
        pipeline = Pipeline.objects.filter(is_active=True).order_by("position", "id").first()
        if pipeline is None:
            errors["pipeline_id"] = [_("Create a pipeline first.")]
            return None, None
    if stage is None:
        stage = pipeline.stages.filter(kind=StageKind.OPEN).order_by("position", "id").first()
        if stage is None:
            errors["stage_id"] = [_("This pipeline has no open stage.")]
    elif stage.pipeline_id != pipeline.pk:
        errors["stage_id"] = [_("This stage belongs to another pipeline.")]
    return pipeline, stage


def record_flow(
    *, day: dt.date, pipeline_id: int, from_stage_id: int | None, to_stage_id: int, seconds: int
) -> None:
    """Add one move to the funnel snapshot (same transaction as the move)."""
    key = {
        "day": day,
        "pipeline_id": pipeline_id,
        "from_stage_id": from_stage_id or 0,
        "to_stage_id": to_stage_id,
    }
    changes = {"moves": F("moves") + 1, "seconds_total": F("seconds_total") + seconds}
    if StageFlowDaily.objects.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():
            StageFlowDaily.objects.create(**key, moves=1, seconds_total=seconds)
    except IntegrityError:  # someone created the row between our update and insert
        StageFlowDaily.objects.filter(**key).update(**changes)


def lost_reason_of(stage: Stage, value, *, required: bool = True) -> LostReason | None:
    """The lost reason named by ``value`` (a :class:`LostReason` or its id) for a move to
    ``stage``: required when the stage is a lost stage, ignored otherwise."""
    if stage.kind != StageKind.LOST:
        return None
    if value in (None, ""):
        if not required:
            return None
        raise ValidationFailed(
            {"lost_reason": [_("Choose why the deal was lost.")]}, code="lost_reason_required"
        )
    if isinstance(value, LostReason):
        return value
    try:
        found = LostReason.objects.filter(pk=int(value), is_active=True).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ValidationFailed(
            {"lost_reason": [_("Choose one of the lost reasons.")]}, code="unknown_lost_reason"
        )
    return found


def _apply_stage(
    deal: Deal, stage: Stage, now, reason: str, lost_reason: LostReason | None = None
) -> None:
    deal.stage = stage
    deal.status = stage.kind
    deal.stage_entered_at = now
    deal.stalled_at = None
    deal.stalled_reason = ""
    if stage.kind == StageKind.OPEN:
        deal.closed_at = None
        deal.close_reason = ""
        deal.lost_reason = None
        if deal.forecast_category == ForecastCategory.CLOSED:
            deal.forecast_category = ForecastCategory.PIPELINE
        if not deal.probability_overridden:
            deal.probability = stage.probability
    else:
        # the real close date replaces the expected one (the audit keeps the old value)
        deal.closed_at = now
        deal.expected_close = timezone.localdate(now)
        deal.close_reason = reason
        deal.lost_reason = lost_reason if stage.kind == StageKind.LOST else None
        deal.forecast_category = ForecastCategory.CLOSED
        deal.probability = 100 if stage.kind == StageKind.WON else 0


def _emit_closing(deal: Deal, previous_status: str) -> None:
    if deal.status == previous_status:
        return
    payload = {
        "deal_id": deal.pk,
        "person_id": deal.person_id,
        "company_id": deal.company_id,
        "amount": deal.amount,
    }
    if deal.status == DealStatus.WON:
        events.emit("deal.won", **payload, won_at=deal.closed_at)
    elif deal.status == DealStatus.LOST:
        events.emit(
            "deal.lost",
            **payload,
            lost_at=deal.closed_at,
            reason=deal.close_reason,
            lost_reason_id=deal.lost_reason_id,
            lost_reason=deal.lost_reason.name if deal.lost_reason else "",
        )


@transaction.atomic
def create_deal(*, actor, data: dict[str, Any]) -> Deal:
    """Open a deal (案件) with a company and/or a person. ``data``: ``title``,
    ``company_id``/``person_id``, ``pipeline_id``/``stage_id`` (first open stage by
    default), ``amount`` (yen), ``expected_close``, ``probability`` (the stage's unless
    given), ``forecast_category``, ``source``, ``competitors``, ``description``,
    ``owner``/``team`` (the actor and their team by default), and optionally ``lines``
    and ``contacts`` created with it."""
    data = dict(data)
    errors: dict[str, list[str]] = {}
    try:
        values = _clean(actor, data, current=None)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        values = {}
    pipeline, stage = _stage_of(
        data.get("pipeline", data.get("pipeline_id")),
        data.get("stage", data.get("stage_id")),
        errors,
    )
    lost_reason = None
    if stage is not None:
        try:
            lost_reason = lost_reason_of(stage, data.get("lost_reason", data.get("lost_reason_id")))
        except ValidationFailed as exc:
            if not errors:
                raise
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    pipeline, stage = (
        cast(Pipeline, pipeline),
        cast(Stage, stage),
    )  # found: _stage_of reported an error otherwise
    if "owner" not in values and is_user(actor):
        values["owner"] = actor
        values.setdefault("team", actor.team)
    elif "team" not in values and values.get("owner") is not None:
        values["team"] = values["owner"].team
    overridden = values.get("probability") is not None
    if not overridden:
        values.pop("probability", None)
    now = timezone.now()
    deal = Deal(
        pipeline=pipeline, probability_overridden=overridden, stage_entered_at=now, **values
    )
    _apply_stage(deal, stage, now, str(data.get("close_reason") or "")[:300], lost_reason)
    deal.save()
    StageChange.objects.create(
        deal=deal,
        pipeline=pipeline,
        from_stage=None,
        to_stage=stage,
        changed_at=now,
        changed_by=actor if is_user(actor) else None,
        reason=deal.close_reason,
        lost_reason=deal.lost_reason,
    )
    record_flow(
        day=timezone.localdate(now),
        pipeline_id=pipeline.pk,
        from_stage_id=None,
        to_stage_id=stage.pk,
        seconds=0,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=deal,
        changes=audit.diff({}, audit.snapshot(deal, AUDITED_FIELDS)),
    )
    _add_children(actor, deal, data)
    events.emit("deal.created", deal_id=deal.pk)
    _emit_closing(deal, DealStatus.OPEN)
    return deal


def _add_children(actor, deal: Deal, data: dict) -> None:
    """``lines`` and ``contacts`` given with a new deal; errors name their position."""
    from .lines import add_deal_contact, add_line_item

    for index, line in enumerate(data.get("lines") or []):
        try:
            add_line_item(actor=actor, deal=deal, data=dict(line))
        except ValidationFailed as exc:
            raise ValidationFailed(
                {f"lines.{index}.{k}": v for k, v in exc.errors.items()}
            ) from None
    for index, contact in enumerate(data.get("contacts") or []):
        try:
            add_deal_contact(
                actor=actor,
                deal=deal,
                person=contact.get("person_id"),
                role=contact.get("role", ""),
            )
        except ValidationFailed as exc:
            raise ValidationFailed(
                {f"contacts.{index}.{k}": v for k, v in exc.errors.items()}
            ) from None
    if data.get("lines"):
        deal.refresh_from_db()


@transaction.atomic
def update_deal(
    *, actor, deal: Deal, data: dict[str, Any], expected_version: int | None = None
) -> Deal:
    """Change a deal's fields (not its stage: see :func:`move_deal_to_stage`).
    ``probability: null`` goes back to the stage's default; entering an ``amount`` stops
    summing the line items until ``amount_from_lines`` is set again."""
    current = Deal.objects.select_for_update().get(pk=deal.pk)
    ensure_can(actor, CHANGE, current)
    check_version(current, expected_version)
    values = _clean(actor, dict(data), current=current)
    before = audit.snapshot(current, AUDITED_FIELDS)
    if "probability" in data:
        if values["probability"] is None:
            current.probability_overridden = False
            values["probability"] = (
                current.stage.probability
                if current.status == DealStatus.OPEN
                else current.probability
            )
        else:
            current.probability_overridden = True
    if "amount" in values and "amount_from_lines" not in values:
        values["amount_from_lines"] = False
    for name, value in values.items():
        setattr(current, name, value)
    if current.amount_from_lines:
        current.amount = sum(line.total for line in current.lines.all())
    changes = audit.diff(before, audit.snapshot(current, AUDITED_FIELDS))
    if changes:
        current.version = F("version") + 1
        current.updated_at = timezone.now()
        current.save()
        current.refresh_from_db()
        audit.record(actor=actor, action="update", obj=current, changes=changes)
        events.emit("deal.updated", deal_id=current.pk)
    return current


@transaction.atomic
def move_deal_to_stage(
    *,
    actor,
    deal: Deal,
    stage: Stage | int,
    reason: str = "",
    lost_reason=None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Deal:
    """Move a deal to another stage of its pipeline, recording who, when, from, to and how
    long it spent in the stage it leaves. A won or lost stage closes the deal on that day
    (``closed_at``; the expected close date becomes the real one) with the note
    ``reason``; a lost stage needs ``lost_reason`` (one of the organisation's
    :class:`LostReason`, else ``lost_reason_required``). Moving a closed deal to the stage
    it is in again with a reason corrects the reason. Emits ``deal.won`` / ``deal.lost``
    on closing and ``deal.stage_changed`` on every move."""
    current = Deal.objects.select_for_update(of=("self",)).select_related("stage").get(pk=deal.pk)
    ensure_can(actor, CHANGE, current)
    check_version(current, expected_version)
    if not isinstance(stage, Stage):
        try:
            stage = Stage.objects.filter(pk=int(stage)).first()  # type: ignore[assignment]  # None: refused below
        except (TypeError, ValueError):
            stage = None  # type: ignore[assignment]
        if stage is None:
            raise ValidationFailed({"stage_id": [_("Unknown stage.")]})
    stage = cast(Stage, stage)  # a Stage from here on (an id was looked up above)
    if stage.pipeline_id != current.pipeline_id:
        raise ValidationFailed(
            {"stage_id": [_("This stage belongs to another pipeline.")]}, code="wrong_pipeline"
        )
    reason = (reason or "").strip()[:300]
    if stage.pk == current.stage_id:
        return _correct_close_reason(actor, current, stage, reason, lost_reason)
    chosen_reason = lost_reason_of(stage, lost_reason)
    now = at or timezone.now()
    seconds = max(0, int((now - current.stage_entered_at).total_seconds()))
    old_stage, old_status = current.stage, current.status
    before = audit.snapshot(current, AUDITED_FIELDS)
    _apply_stage(current, stage, now, reason, chosen_reason)
    current.version = F("version") + 1
    current.updated_at = now
    current.save()
    current.refresh_from_db()
    StageChange.objects.create(
        deal=current,
        pipeline_id=current.pipeline_id,
        from_stage=old_stage,
        to_stage=stage,
        changed_at=now,
        changed_by=actor if is_user(actor) else None,
        seconds_in_from=seconds,
        reason=current.close_reason,
        lost_reason=current.lost_reason,
    )
    record_flow(
        day=timezone.localdate(now),
        pipeline_id=current.pipeline_id,
        from_stage_id=old_stage.pk,
        to_stage_id=stage.pk,
        seconds=seconds,
    )
    audit.record(
        actor=actor,
        action="move",
        obj=current,
        changes=audit.diff(before, audit.snapshot(current, AUDITED_FIELDS)),
        note=current.close_reason,
    )
    events.emit(
        "deal.stage_changed",
        deal_id=current.pk,
        pipeline_id=current.pipeline_id,
        from_stage_id=old_stage.pk,
        to_stage_id=stage.pk,
        changed_at=now,
    )
    _emit_closing(current, old_status)
    return current


def _correct_close_reason(actor, current: Deal, stage: Stage, reason: str, lost_reason) -> Deal:
    """A "move" to the stage the deal is already in: for a closed deal, a new reason
    (lost reason and/or note) is recorded; otherwise nothing happens."""
    if stage.kind == StageKind.OPEN or (not reason and lost_reason in (None, "")):
        return current
    before = audit.snapshot(current, AUDITED_FIELDS)
    if reason:
        current.close_reason = reason
    if stage.kind == StageKind.LOST and lost_reason not in (None, ""):
        current.lost_reason = lost_reason_of(stage, lost_reason)
    changes = audit.diff(before, audit.snapshot(current, AUDITED_FIELDS))
    if not changes:
        return current
    current.version = F("version") + 1
    current.updated_at = timezone.now()
    current.save()
    current.refresh_from_db()
    closing = (
        StageChange.objects.filter(deal=current, to_stage=stage)
        .order_by("-changed_at", "-id")
        .first()
    )
    if closing is not None:  # the stage history tells the reason of the move that closed the deal
        StageChange.objects.filter(pk=closing.pk).update(
            reason=current.close_reason, lost_reason=current.lost_reason
        )
    audit.record(actor=actor, action="update", obj=current, changes=changes)
    events.emit("deal.updated", deal_id=current.pk)
    return current
