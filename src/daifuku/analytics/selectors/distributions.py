"""How the customers spread over ranks and RFM scores, and how ranks moved — read from
the snapshot tables (``CustomerMetrics``, ``RankChange``), never from every order, so the
analytics area stays fast however long the ledger grows. Each count covers only the
customers (people and companies) the user may see; the drill-downs return people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from daifuku.accounts.permissions import restrict, sees_everything
from daifuku.customers.models import Company, Person

from ..models import CustomerMetrics, RankChange, RankRule

NO_RANK = "none"


def _visible(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` (rows with ``person``/``company``) narrowed to customers ``user`` sees."""
    if getattr(user, "is_active", False) and sees_everything(user):
        return queryset
    people = restrict(Person.objects.all(), user).values("pk")
    companies = restrict(Company.objects.all(), user).values("pk")
    return queryset.filter(Q(person__in=people) | Q(company__in=companies))


def buyers(user) -> QuerySet:
    """The snapshot rows of the customers with at least one purchase (net of returns)."""
    return _visible(CustomerMetrics.objects.filter(order_count__gt=0), user)


def rank_distribution(user) -> list[dict[str, Any]]:
    """Per rank, highest priority first, then the buyers without a rank:
    ``{"key": rule id or "none", "rank": name, "customers": n, "share": 0–1}``."""
    counts = dict(buyers(user).values("rank").annotate(n=Count("id")).values_list("rank", "n"))
    total = sum(counts.values())
    found = [
        {"key": rule.pk, "rank": rule.name, "customers": counts.get(rule.pk, 0)}
        for rule in RankRule.objects.order_by("-priority", "id")
    ]
    found.append({"key": NO_RANK, "rank": None, "customers": counts.get(None, 0)})
    for row in found:
        row["share"] = row["customers"] / total if total else 0.0
    return found


def people_of_rank(user, key) -> list[int]:
    """The people holding rank ``key`` (a rule id, or "none": buyers without a rank)."""
    rows = buyers(user).filter(person__isnull=False)
    if key == NO_RANK:
        rows = rows.filter(rank__isnull=True)
    else:
        try:
            rows = rows.filter(rank_id=int(key))
        except (TypeError, ValueError):
            return []
    return sorted(rows.values_list("person_id", flat=True))


def _level(names: dict[str, int], name: str) -> int:
    """A rank's height: its rule's priority (by the name kept when the rule is gone);
    no rank is below every rank."""
    if not name:
        return -1
    return names.get(name, 0)


def rank_movements(user, *, since: dt.datetime) -> list[dict[str, Any]]:
    """Rank changes since ``since`` by (from, to), most frequent first:
    ``{"from": name, "to": name, "changes": n, "customers": n, "direction": "up"|"down"}``
    (an empty name is "no rank"; direction by the rules' priorities)."""
    priorities = dict(RankRule.objects.values_list("name", "priority"))
    grouped = (
        _visible(RankChange.objects.filter(changed_at__gte=since), user)
        .values("from_name", "to_name", "from_rank", "to_rank")
        .annotate(
            changes=Count("id"),
            people=Count("person", distinct=True),
            companies=Count("company", distinct=True),
        )
    )
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for g in grouped:
        key = (g["from_name"], g["to_name"])
        row = merged.setdefault(
            key,
            {"from": key[0], "to": key[1], "changes": 0, "customers": 0},
        )
        row["changes"] += g["changes"]
        row["customers"] += g["people"] + g["companies"]
    for row in merged.values():
        up = _level(priorities, row["to"]) > _level(priorities, row["from"])
        row["direction"] = "up" if up else "down"
    return sorted(merged.values(), key=lambda r: (-r["changes"], r["from"], r["to"]))


def people_who_moved(user, *, since: dt.datetime, from_name: str, to_name: str) -> list[int]:
    changes = _visible(
        RankChange.objects.filter(
            changed_at__gte=since, from_name=from_name, to_name=to_name, person__isnull=False
        ),
        user,
    )
    return sorted(set(changes.values_list("person_id", flat=True)))


def rfm_grid(user) -> list[dict[str, Any]]:
    """Buyers per (R, F) score pair with their average M score and average total:
    ``{"r", "f", "customers", "average_m", "average_total"}`` for every non-empty cell."""
    return [
        {
            "r": row["rfm_r"],
            "f": row["rfm_f"],
            "customers": row["n"],
            "average_m": round(float(row["m"] or 0), 2),
            "average_total": round(float(row["total"] or 0)),
        }
        for row in buyers(user)
        .filter(rfm_r__gte=1, rfm_f__gte=1)
        .values("rfm_r", "rfm_f")
        .annotate(n=Count("id"), m=Avg("rfm_m"), total=Avg("total"))
        .order_by("-rfm_r", "rfm_f")
    ]


def people_of_rfm(user, r: int, f: int) -> list[int]:
    rows = buyers(user).filter(person__isnull=False, rfm_r=r, rfm_f=f)
    return sorted(rows.values_list("person_id", flat=True))
