"""``/api/v1/`` endpoints of a customer's figures (the metrics contract of issue 19):
thin adapters over the ledger's selectors (who may read the customer) and analytics'."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from daifuku.core.errors import ValidationFailed
from daifuku.customers import selectors as customer_selectors

from .schemas import MetricsOut, MetricsQuery
from .selectors import metrics as selectors

router = Router(tags=["analytics"])


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
