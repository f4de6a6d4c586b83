"""Stalled deals (seed 000: remind the customer when a proposal goes quiet).

A deal is stalled when it had no touch for ``SalesSettings.stall_days`` days (counted
from its creation when it never had one) or stayed longer than its stage's rotting limit.
:func:`flag_stalled_deals` runs periodically (``core.schedule``) and flags each deal once
per stall episode, emitting ``deal.stalled``; the next touch or stage move ends the
episode."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from daifuku.core import audit, events

from ..models import Deal, DealStatus, SalesSettings, Stage, StageKind

NO_TOUCH, ROTTING = "no_touch", "rotting"
CHUNK = 500


def _flag(ids: list[int], reason: str, now: dt.datetime, actor) -> int:
    flagged = 0
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            deals = list(
                Deal.objects.select_for_update().filter(
                    pk__in=ids[start : start + CHUNK],
                    stalled_at__isnull=True,
                    status=DealStatus.OPEN,
                )
            )
            for deal in deals:
                Deal.objects.filter(pk=deal.pk).update(stalled_at=now, stalled_reason=reason)
                audit.record(
                    actor=actor,
                    action="stalled",
                    obj=deal,
                    changes={"stalled_reason": ["", reason]},
                )
                events.emit(
                    "deal.stalled",
                    deal_id=deal.pk,
                    reason=reason,
                    person_id=deal.person_id,
                    company_id=deal.company_id,
                    owner_id=deal.owner_id,
                    stalled_at=now,
                )
            flagged += len(deals)
    return flagged


def flag_stalled_deals(*, actor="system", now: dt.datetime | None = None) -> int:
    """Flag the open deals that became stalled since the last run; returns how many."""
    now = now or timezone.now()
    settings = SalesSettings.current()
    unflagged = Deal.objects.filter(status=DealStatus.OPEN, stalled_at__isnull=True)
    quiet = unflagged.annotate(last_contact=Coalesce("last_touch_at", "created_at")).filter(
        last_contact__lt=now - dt.timedelta(days=settings.stall_days)
    )
    flagged = _flag(list(quiet.values_list("pk", flat=True)), NO_TOUCH, now, actor)
    rotting = Q()
    for stage_id, days in Stage.objects.filter(
        kind=StageKind.OPEN, rotting_days__isnull=False
    ).values_list("pk", "rotting_days"):
        rotting |= Q(stage_id=stage_id, stage_entered_at__lt=now - dt.timedelta(days=days))  # type: ignore[arg-type]  # not null: filtered
    if rotting:
        flagged += _flag(
            list(unflagged.filter(rotting).values_list("pk", flat=True)), ROTTING, now, actor
        )
    return flagged


def _when(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(str(value or ""))
    return parsed or timezone.now()


def note_touch(
    *,
    touch_id=None,
    person_id=None,
    company_id=None,
    subject_type="",
    subject_id=None,
    occurred_at=None,
    **_ignored,
) -> int:
    """React to ``touch.logged`` (activities): the touched deal — or, for a touch on a
    customer, that customer's open deals — gets ``last_touch_at`` moved forward and its
    stall episode ended. Derived bookkeeping, not an edit, so it is not audited."""
    at = _when(occurred_at)
    if subject_type == "sales.deal" and subject_id:
        deals = Deal.objects.filter(pk=subject_id)
    elif person_id or company_id:
        scope = Q()
        if person_id:
            scope |= Q(person_id=person_id)
        if company_id:
            scope |= Q(company_id=company_id)
        deals = Deal.objects.filter(scope, status=DealStatus.OPEN)
    else:
        return 0
    newer = Q(last_touch_at__isnull=True) | Q(last_touch_at__lt=at)
    with transaction.atomic():
        changed = deals.filter(newer).update(last_touch_at=at)
        deals.filter(stalled_at__isnull=False, stalled_reason=NO_TOUCH).update(
            stalled_at=None, stalled_reason=""
        )
    return changed
