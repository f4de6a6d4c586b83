"""Reading customers' figures and ranks as a user may see them: whoever may read a
customer reads its figures (they come from its orders, which follow the ledger)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from daifuku.accounts.permissions import VIEW, may
from daifuku.core.errors import NotFound

from ..computation import active_rules, compute, load_orders, rows, scale_of
from ..models import CustomerMetrics, RankChange, RankRule, RFMScale


def snapshot(customer, *, field: str = "person") -> CustomerMetrics | None:
    """The customer's row of the snapshot (read through the ledger's selectors by the
    caller, so the customer is already one the user may see)."""
    return (
        CustomerMetrics.objects.select_related("rank")
        .filter(**{f"{field}_id": customer.pk})
        .first()
    )


def figures_as_of(
    user, customer, *, field: str = "person", as_of: dt.date | None = None
) -> dict[str, Any]:
    """The customer's figures as they were at the end of ``as_of`` (today by default):
    orders up to that day net of the returns recorded by then, recency counted to that
    day, RFM against the current cut points, the rank the current rules give. Predicted
    CLV and probability alive are the CLV model's latest (empty until it has been fitted)."""
    today = timezone.localdate()
    as_of = as_of or today
    if not may(user, VIEW, customer):  # the caller read it through the ledger: a second lock
        raise NotFound()
    until = None
    if as_of < today:
        until = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))
    purchases = load_orders(field, customer_id=customer.pk, until=until)
    computed = compute(field, purchases, as_of=as_of, scale=scale_of(field), rules=active_rules())
    found = rows(field, computed, as_of=as_of)
    row = found[0] if found else CustomerMetrics(**{f"{field}_id": customer.pk}, as_of=as_of)
    stored = snapshot(customer, field=field)
    rank = None
    if row.rank_id is not None:
        rank = RankRule.objects.filter(pk=row.rank_id).values_list("name", flat=True).first()
    bought = row.order_count > 0
    return {
        "as_of": as_of,
        "order_count": row.order_count,
        "total": row.total,
        "average_order_value": row.average_order_value,
        "ltv": row.ltv,
        "first_order_at": row.first_order_at,
        "last_order_at": row.last_order_at,
        "recency_days": row.recency_days,
        "days_to_second_purchase": row.days_to_second,
        "buyer_type": row.buyer_type,
        "churn_risk": row.churn_risk or None,
        "rfm": {"r": row.rfm_r, "f": row.rfm_f, "m": row.rfm_m} if bought else None,
        "rank": rank,
        "predicted_clv": stored.predicted_clv if stored else None,
        "p_alive": stored.p_alive if stored else None,
    }


def rank_history(customer, *, field: str = "person", limit: int = 20) -> list[RankChange]:
    return list(
        RankChange.objects.filter(**{f"{field}_id": customer.pk}).order_by("-changed_at", "-id")[
            :limit
        ]
    )


def rank_rules() -> QuerySet:
    """Every rank rule, highest priority first (everyone may read them: they name ranks)."""
    return RankRule.objects.all()


def rank_holders() -> dict[int, int]:
    """How many customers hold each rank now (``{rule id: count}``)."""
    from django.db.models import Count

    return dict(
        CustomerMetrics.objects.filter(rank__isnull=False)
        .values("rank")
        .annotate(n=Count("id"))
        .values_list("rank", "n")
    )


def scales() -> list[RFMScale]:
    return [scale_of(entity) for entity in ("person", "company")]
