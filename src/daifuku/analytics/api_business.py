"""``/api/v1/analytics/…`` business figures and CLV, ``/api/v1/people/{id}/recommendations``:
thin adapters over the selectors of ``analytics.selectors`` (business, clv, crosssell).

Business figures answer managers, admins and marketers (403 ``permission_denied`` for the
others); recommendations follow the ledger (404 out of scope). Bad parameters are a 422
with a stable code: ``invalid_month``, ``invalid_date``, ``invalid_range``,
``invalid_within_days``, ``invalid_window``, ``invalid_group``, ``invalid_points``,
``invalid_period``, ``invalid_limit``."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from daifuku.core.errors import ValidationFailed

from .maths.periods import fiscal_year_bounds
from .permissions import ensure_business_reader
from .schemas import (
    AsOfQuery,
    ChurnOut,
    ChurnQuery,
    ClvFitOut,
    ClvJobOut,
    ClvQuery,
    CohortQuery,
    CohortTable,
    LimitQuery,
    LtvOut,
    LtvQuery,
    PairList,
    RecommendationList,
    RecommendationQuery,
    RepeatRateOut,
    RevenueOut,
    RevenueQuery,
    SecondPurchaseOut,
    SecondPurchaseQuery,
    UpsellList,
    WhatIfOut,
    WhatIfQuery,
)
from .selectors import business, crosssell
from .selectors import clv as clv_selectors
from .services import clv as clv_services

router = Router(tags=["analytics"])

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
LONGEST_WINDOW = 3660  # ten years of days: beyond that a window means a typo


def _month(value: str | None, field: str) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not MONTH.match(text):
        raise ValidationFailed(
            {field: [_("Use a month as YYYY-MM (2026-04).")]}, code="invalid_month"
        )
    return text


def _day(value: str | None, field: str, default: dt.date | None = None) -> dt.date:
    text = "" if value is None else str(value).strip()
    if not text:
        if default is None:
            raise ValidationFailed({field: [_("This field is required.")]}, code="invalid_date")
        return default
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    # far-off years are typos, and windows around them would leave the calendar
    if day is not None and 1900 <= day.year <= 2999:
        return day
    raise ValidationFailed(
        {field: [_("Use a date as YYYY-MM-DD (2026-04-01).")]}, code="invalid_date"
    )


def _range(first: dt.date, last: dt.date, fields=("from", "to")) -> None:
    if first > last:
        raise ValidationFailed(
            {fields[1]: [_("The end comes before the start.")]}, code="invalid_range"
        )


def _days(value: int, field: str, code: str, low: int = 1) -> int:
    if value < low or value > LONGEST_WINDOW:
        raise ValidationFailed(
            {
                field: [
                    _("Use a number of days between %(low)d and %(high)d.")
                    % {"low": low, "high": LONGEST_WINDOW}
                ]
            },
            code=code,
        )
    return value


def _limit(value: int, high: int) -> int:
    if value < 1 or value > high:
        raise ValidationFailed(
            {"limit": [_("Use a limit between 1 and %(high)d.") % {"high": high}]},
            code="invalid_limit",
        )
    return value


def _choice(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValidationFailed(
            {"by": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)}]},
            code="invalid_group",
        )
    return value


# --- business figures ---------------------------------------------------------------------------


@router.get(
    "/analytics/cohorts",
    response=CohortTable,
    summary="Cohort retention and revenue by first-purchase month",
)
def cohorts(request, params: Query[CohortQuery]):
    first, last = _month(params.first, "from"), _month(params.last, "to")
    if first and last and first > last:
        raise ValidationFailed({"to": [_("The end comes before the start.")]}, code="invalid_range")
    return {"cohorts": business.cohorts(request.auth, first=first, last=last)}


@router.get(
    "/analytics/second-purchase",
    response=SecondPurchaseOut,
    summary="Second-purchase conversion within N days of the first purchase",
)
def second_purchase(request, params: Query[SecondPurchaseQuery]):
    within = _days(params.within_days, "within_days", "invalid_within_days", low=0)
    today = timezone.localdate()
    last = _day(params.last, "to", today - dt.timedelta(days=within))
    first = _day(params.first, "from", last - dt.timedelta(days=364))
    _range(first, last)
    figures = business.second_purchase(
        request.auth, within_days=within, first_from=first, first_to=last
    )
    return {"first_from": first, "first_to": last, "within_days": within, **figures}


@router.get("/analytics/repeat-rate", response=RepeatRateOut, summary="Share of repeat buyers")
def repeat_rate(request, params: Query[AsOfQuery]):
    as_of = _day(params.as_of, "as_of", timezone.localdate())
    return business.repeat_rate(request.auth, as_of=as_of)


@router.get(
    "/analytics/churn",
    response=ChurnOut,
    summary="Share of the previous window's buyers who did not buy in the last one",
)
def churn(request, params: Query[ChurnQuery]):
    as_of = _day(params.as_of, "as_of", timezone.localdate())
    window = _days(params.window_days, "window_days", "invalid_window")
    return business.churn_rate(request.auth, as_of=as_of, window_days=window)


@router.get(
    "/analytics/ltv",
    response=LtvOut,
    summary="LTV (average order value × purchases per buyer) by acquisition channel or route",
)
def ltv(request, params: Query[LtvQuery]):
    by = _choice(params.by, (business.BY_ACQUISITION, business.BY_FIRST_ROUTE, business.BY_ROUTE))
    as_of = _day(params.as_of, "as_of", timezone.localdate())
    return {"by": by, "groups": business.ltv_by(request.auth, by=by, as_of=as_of)}


@router.get(
    "/analytics/revenue",
    response=RevenueOut,
    summary="Revenue net of returns by route or by product",
)
def revenue(request, params: Query[RevenueQuery]):
    by = _choice(params.by, (business.BY_ROUTE, business.BY_PRODUCT))
    end = _day(params.last, "to", timezone.localdate())
    start = _day(params.first, "from", end - dt.timedelta(days=364))
    _range(start, end)
    groups = business.revenue_by(request.auth, by=by, start=start, end=end)
    return {"by": by, "start": start, "end": end, "groups": groups}


@router.get(
    "/analytics/retention-what-if",
    response=WhatIfOut,
    summary="What more retention (5 points by default) adds to next year's revenue",
)
def retention_what_if(request, params: Query[WhatIfQuery]):
    if not 0 < params.points <= 100:
        raise ValidationFailed(
            {"points": [_("Use between 0 and 100 points.")]}, code="invalid_points"
        )
    if params.fiscal_year is not None:
        if not 1900 <= params.fiscal_year <= 2999:
            raise ValidationFailed(
                {"fiscal_year": [_("Use a year such as 2025.")]}, code="invalid_date"
            )
        previous = fiscal_year_bounds(params.fiscal_year - 1)
        current = fiscal_year_bounds(params.fiscal_year)
    else:  # the twelve months up to as_of against the twelve before
        end = _day(params.as_of, "as_of", timezone.localdate())
        start = end - dt.timedelta(days=364)
        current = (start, end)
        previous = (start - dt.timedelta(days=365), start - dt.timedelta(days=1))
    return business.retention_what_if(
        request.auth, previous=previous, current=current, points=params.points
    )


@router.get(
    "/analytics/co-purchases", response=PairList, summary="Products bought together (by lift)"
)
def co_purchases(request, params: Query[LimitQuery]):
    return {"items": crosssell.top_pairs(request.auth, limit=_limit(params.limit, 200))}


@router.get(
    "/analytics/upsell-paths",
    response=UpsellList,
    summary="Customers moving to a dearer product of the same category",
)
def upsell_paths(request, params: Query[LimitQuery]):
    return {"items": crosssell.upsell_paths(request.auth, limit=_limit(params.limit, 200))}


# --- predictive CLV ---------------------------------------------------------------------------


@router.get(
    "/analytics/clv",
    response={200: ClvFitOut, 202: ClvJobOut},
    summary="BG/NBD + Gamma-Gamma fit on the orders up to calibration_end (202: being fitted)",
)
def clv(request, params: Query[ClvQuery]):
    """The fit for this calibration end when there is one; otherwise a fit is started and
    the answer is 202 with its job — ask again (same URL) until it answers 200."""
    ensure_business_reader(request.auth)
    if params.period != "week":
        raise ValidationFailed(
            {"period": [_("Only week is supported (days ÷ 7, as in the published model).")]},
            code="invalid_period",
        )
    end = _day(params.calibration_end, "calibration_end", timezone.localdate())
    fit = None if params.refresh else clv_selectors.fit_for(request.auth, calibration_end=end)
    if fit is None:
        job = clv_selectors.open_job(end)
        if job is None:
            latest = clv_selectors.latest_job(end)
            if latest is not None and latest.status == latest.Status.FAILED and not params.refresh:
                _failed(latest)
            job = clv_services.start_fit(actor=request.auth, calibration_end=end)
        job = clv_selectors.job(job.pk) or job  # an immediate backend has run it already
        if job.status == job.Status.FAILED:
            _failed(job)
        if job.status != job.Status.SUCCEEDED:
            return Status(
                202,
                {
                    "status": job.status,
                    "job_id": job.pk,
                    "progress_done": job.progress_done,
                    "progress_total": job.progress_total,
                    "message": job.message,
                },
            )
        fit = clv_selectors.fit_for(request.auth, calibration_end=end)
    return clv_selectors.fit_dict(fit)


def _failed(job) -> None:
    raise ValidationFailed(
        {"calibration_end": [job.error]},
        code="clv_fit_failed",
        message=_("The last fit for this date failed; add refresh=true to try again."),
    )


# --- recommendations ---------------------------------------------------------------------------


@router.get(
    "/people/{person_id}/recommendations",
    response=RecommendationList,
    summary="Products to suggest to this person, ranked, with the reason",
)
def recommendations(request, person_id: int, params: Query[RecommendationQuery]):
    items = crosssell.recommendations_for(request.auth, person_id, limit=_limit(params.limit, 50))
    return {"person_id": person_id, "items": items}
