"""Rank rules (administrators) and the history of customers' ranks.

A change of the rules re-evaluates every customer's rank in a background job (the
rebuild, keeping the RFM cut points); an order re-evaluates its customer's rank in its
own transaction (:mod:`.metrics`); the nightly job lets ranks whose window has passed
lapse. Every change of a customer's rank is a :class:`RankChange` row and a
``customer.rank_changed`` event (after commit) for marketing."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daifuku.accounts.permissions import is_user
from daifuku.core import audit, events
from daifuku.core.errors import PermissionDenied, ValidationFailed

from ..models import RankChange, RankRule

MAX_MONTHS = 120
FIELDS = ("name", "min_purchases", "min_amount", "period_months", "priority", "is_active")


def record_changes(
    entity: str, changes: list[tuple[int, int | None, int | None]], *, reason: str, actor=None
) -> list[RankChange]:
    """History rows and events for ``(customer id, rank before, rank after)``."""
    if not changes:
        return []
    names = dict(RankRule.objects.values_list("pk", "name"))
    now = timezone.now()
    created = RankChange.objects.bulk_create(
        RankChange(
            **{f"{entity}_id": pk},
            from_rank_id=before,
            to_rank_id=after,
            from_name=names.get(before, "") if before else "",
            to_name=names.get(after, "") if after else "",
            reason=reason,
            changed_at=now,
            changed_by=actor if is_user(actor) else None,
        )
        for pk, before, after in changes
    )
    for change, (pk, _before, _after) in zip(created, changes, strict=True):
        events.emit(
            "customer.rank_changed",
            entity=entity,
            entity_id=pk,
            from_rank=change.from_name or None,
            to_rank=change.to_name or None,
            reason=reason,
        )
    return created


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
    from ..tasks import rerank

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
