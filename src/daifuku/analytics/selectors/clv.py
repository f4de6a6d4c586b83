"""Reads of the predictive CLV: the fits, the job computing one, each customer's prediction.

``predictions_for(person_ids)`` is what the metrics API and the 360° page use: the
predicted value of the next 12 months (yen, discounted 10 % a year) and the probability
the customer is still with us, from the fit with the latest calibration end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from daifuku.accounts.permissions import restrict
from daifuku.core.models import JobRun

from ..models import CLVFit, CustomerPrediction
from ..permissions import ensure_business_reader

JOB_KIND = "analytics.fit_clv"


def job(job_id: int) -> JobRun | None:
    return JobRun.objects.filter(pk=job_id, kind=JOB_KIND).first()


def _jobs_for(calibration_end: dt.date, period: str):
    return JobRun.objects.filter(
        kind=JOB_KIND,
        parameters__calibration_end=calibration_end.isoformat(),
        parameters__period=period,
    ).order_by("-created_at", "-pk")


def fit_for(user, *, calibration_end: dt.date, period: str = "week") -> CLVFit | None:
    """The newest fit for this calibration end (a business figure)."""
    ensure_business_reader(user)
    return (
        restrict(CLVFit.objects.all(), user)
        .filter(calibration_end=calibration_end, period=period)
        .order_by("-finished_at", "-pk")
        .first()
    )


def fitted(calibration_end: dt.date, period: str = "week") -> bool:
    """Whether a fit exists for this calibration end (for the schedule: no user)."""
    return CLVFit.objects.filter(calibration_end=calibration_end, period=period).exists()


def open_job(calibration_end: dt.date, period: str = "week") -> JobRun | None:
    """A queued or running fit for this calibration end, if any."""
    return (
        _jobs_for(calibration_end, period)
        .filter(status__in=(JobRun.Status.QUEUED, JobRun.Status.RUNNING))
        .first()
    )


def latest_job(calibration_end: dt.date, period: str = "week") -> JobRun | None:
    return _jobs_for(calibration_end, period).first()


def order_currencies(*, until: dt.date) -> list[str]:
    """The currencies of the counting orders up to ``until`` (a fit per currency)."""
    from .orders import counting_orders, end_of_day

    return sorted(
        set(
            counting_orders(None, currency=None)
            .filter(ordered_at__lt=end_of_day(until))
            .order_by()
            .values_list("currency", flat=True)
            .distinct()
        )
    )


def _parameters(fit: CLVFit) -> dict[str, Any]:
    return {
        "currency": fit.params.get("currency", "JPY"),
        "bgnbd": fit.params.get("bgnbd", {}),
        "gamma_gamma": fit.params.get("gamma_gamma", {}),
        "customers": fit.customers,
        "repeat_buyers": fit.repeat_buyers,
    }


def fit_dict(fit: CLVFit) -> dict[str, Any]:
    """The fit (the shop's main currency) and, under ``by_currency``, every currency the
    same run fitted (the main one included)."""
    run = (
        CLVFit.objects.filter(job_id=fit.job_id, calibration_end=fit.calibration_end)
        if fit.job_id
        else CLVFit.objects.filter(pk=fit.pk)
    )
    return {
        "calibration_end": fit.calibration_end,
        "period": fit.period,
        **_parameters(fit),
        "by_currency": {one["currency"]: one for one in map(_parameters, run.order_by("pk"))},
        "fitted_at": fit.finished_at,
        "job_id": fit.job_id,
    }


def predictions_for(person_ids: Iterable[int], user=None) -> dict[int, dict[str, Any]]:
    """``{person_id: {"predicted_clv", "currency", "expected_purchases", "p_alive", "fit_id",
    "calibration_end"}}`` for the people who have a prediction (a person without orders
    up to the calibration end has none; ``predicted_clv`` is in the minor unit of
    ``currency``, the person's main currency). With ``user``, only people they may see."""
    ids = [int(pk) for pk in person_ids]
    if not ids:
        return {}
    qs = CustomerPrediction.objects.filter(person_id__in=ids)
    if user is not None:
        qs = restrict(qs, user)
    rows = qs.values_list(
        "person_id",
        "predicted_clv",
        "expected_purchases",
        "p_alive",
        "fit_id",
        "fit__calibration_end",
        "currency",
    )
    return {
        person: {
            "predicted_clv": round(value),
            "currency": currency,
            "expected_purchases": purchases,
            "p_alive": alive,
            "fit_id": fit,
            "calibration_end": end,
        }
        for person, value, purchases, alive, fit, end, currency in rows
    }
