"""Recording referrals and NPS answers, and setting the advocate rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import CHANGE, VIEW, ensure_can, is_user, sees_everything
from daifuku.core import audit
from daifuku.core.errors import PermissionDenied, ValidationFailed

from ..models import AdvocateRules, NpsAnswer, Referral


def _day(value, field: str, errors: dict) -> dt.date:
    if value in (None, ""):
        return timezone.localdate()
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        errors[field] = [_("Use an ISO date (2026-11-03).")]
        return timezone.localdate()


def _future(day: dt.date, field: str, errors: dict) -> None:
    if day > timezone.localdate():
        errors[field] = [_("This date is in the future.")]


@transaction.atomic
def record_nps(
    *, actor, person, score, answered_on=None, source: str = "", comment: str = ""
) -> NpsAnswer:
    """Store one NPS answer (0–10) of a person, with the day and where it was asked."""
    ensure_can(actor, CHANGE, person)
    errors: dict[str, list[str]] = {}
    try:
        value = int(str(score).strip()) if not isinstance(score, bool) else -1
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= 10:
        errors["score"] = [_("Enter a whole number from 0 to 10.")]
    day = _day(answered_on, "answered_on", errors)
    _future(day, "answered_on", errors)
    source = str(source or "").strip()
    if len(source) > 50:
        errors["source"] = [_("At most %(limit)d characters.") % {"limit": 50}]
    if errors:
        raise ValidationFailed(errors)
    answer = NpsAnswer.objects.create(
        person=person,
        score=value,
        answered_on=day,
        source=source,
        comment=str(comment or "").strip(),
        created_by=actor if is_user(actor) else None,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=answer,
        subject=person,
        changes={"score": value, "answered_on": str(day), "source": source},
    )
    return answer


@transaction.atomic
def record_referral(*, actor, referrer, referred, referred_on=None, note: str = "") -> Referral:
    """``referrer`` introduced ``referred``. The same pair is recorded once."""
    ensure_can(actor, CHANGE, referrer)
    ensure_can(actor, VIEW, referred)
    errors: dict[str, list[str]] = {}
    if referrer.pk == referred.pk:
        errors["referred_id"] = [_("A customer cannot introduce themselves.")]
    elif Referral.objects.filter(referrer=referrer, referred=referred).exists():
        errors["referred_id"] = [_("This introduction is already recorded.")]
    day = _day(referred_on, "referred_on", errors)
    _future(day, "referred_on", errors)
    note = str(note or "").strip()
    if len(note) > 300:
        errors["note"] = [_("At most %(limit)d characters.") % {"limit": 300}]
    if errors:
        raise ValidationFailed(errors)
    referral = Referral.objects.create(
        referrer=referrer,
        referred=referred,
        referred_on=day,
        note=note,
        created_by=actor if is_user(actor) else None,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=referral,
        subject=referrer,
        changes={"referred": referred.pk, "referred_on": str(day)},
    )
    return referral


def current_rules() -> AdvocateRules:
    rules = AdvocateRules.objects.order_by("pk").first()
    return rules if rules is not None else AdvocateRules.objects.create()


@transaction.atomic
def set_advocate_rules(*, actor, data: dict[str, Any]) -> AdvocateRules:
    """Managers and administrators set who counts as an advocate."""
    if is_user(actor) and not sees_everything(actor):
        raise PermissionDenied(_("Only managers and administrators can change this."))
    rules = current_rules()
    errors: dict[str, list[str]] = {}
    bounds = {"min_nps": (0, 10), "nps_within_days": (1, 3650), "min_referrals": (0, 1000)}
    changes = {}
    for name, (lo, hi) in bounds.items():
        if name not in data:
            continue
        try:
            value = int(str(data[name]).strip())
        except (TypeError, ValueError):
            value = lo - 1
        if not lo <= value <= hi:
            errors[name] = [_("Enter a whole number from %(lo)d to %(hi)d.") % {"lo": lo, "hi": hi}]
            continue
        changes[name] = value
    if "require_both" in data:
        changes["require_both"] = bool(data["require_both"])
    if errors:
        raise ValidationFailed(errors)
    for name, value in changes.items():
        setattr(rules, name, value)
    rules.updated_at = timezone.now()
    rules.save()
    audit.record(actor=actor, action="update", obj=rules, changes=changes)
    return rules
