"""``/api/v1/`` endpoints of a customer's figures (the metrics contract of issue 19):
thin adapters over the ledger's selectors (who may read the customer) and analytics'."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from daifuku.core.errors import ValidationFailed
from daifuku.customers import selectors as customer_selectors

from .selectors import metrics as selectors

router = Router(tags=["analytics"])


class RFMOut(Schema):
    r: int = Field(description="recency score 1–5 (5 = bought most lately)")
    f: int = Field(description="frequency score 1–5")
    m: int = Field(description="monetary score 1–5")


class MetricsOut(Schema):
    as_of: dt.date
    order_count: int = Field(
        description="purchases: orders whose total after returns is above zero"
    )
    total: int = Field(description="yen, tax included, net of returns")
    average_order_value: int = Field(description="total ÷ purchases, rounded down (yen)")
    ltv: int = Field(description="average order value × purchases (yen)")
    first_order_at: dt.datetime | None
    last_order_at: dt.datetime | None
    recency_days: int | None = Field(description="days from the last purchase to as_of")
    days_to_second_purchase: int | None
    buyer_type: str = Field(description="none, first or repeat")
    churn_risk: str | None = Field(description="low, medium or high")
    rfm: RFMOut | None = Field(description="null for a customer without purchases")
    rank: str | None
    predicted_clv: int | None = Field(
        description="yen over the next 12 months (null until the CLV model is fitted)"
    )
    p_alive: float | None


class MetricsQuery(Schema):
    as_of: str | None = Field(None, description="YYYY-MM-DD (today by default)")


def _as_of(value: str | None) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(
            {"as_of": [_("Use a date written YYYY-MM-DD.")]}, code="invalid_date"
        ) from None
    if day > timezone.localdate():
        raise ValidationFailed(
            {"as_of": [_("The figures cannot be computed for a day in the future.")]},
            code="invalid_date",
        )
    return day


@router.get(
    "/people/{person_id}/metrics",
    response=MetricsOut,
    summary="A person's purchase figures, RFM and rank (as of a day)",
)
def person_metrics(request, person_id: int, params: Query[MetricsQuery]):
    as_of = _as_of(params.as_of)
    person = customer_selectors.get_person(request.auth, person_id)
    return selectors.figures_as_of(request.auth, person, field="person", as_of=as_of)


@router.get(
    "/companies/{company_id}/metrics",
    response=MetricsOut,
    summary="A company's purchase figures, RFM and rank (as of a day)",
)
def company_metrics(request, company_id: int, params: Query[MetricsQuery]):
    as_of = _as_of(params.as_of)
    company = customer_selectors.get_company(request.auth, company_id)
    return selectors.figures_as_of(request.auth, company, field="company", as_of=as_of)
