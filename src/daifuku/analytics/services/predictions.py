"""Writes of the predictive CLV's results: a finished run's fits (one per currency with
enough orders) and every customer's prediction, copied into the customer figures in the
same transaction. Called by the fit job
(:mod:`daifuku.analytics.jobs`); starting a fit is :mod:`.clv`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from daifuku.commerce.maths.currency import HOME
from daifuku.core.models import JobRun

from ..models import CLVFit, CustomerPrediction

BATCH = 5_000


@dataclass(frozen=True)
class CurrencyFit:
    """One currency's fit and the predictions of the customers whose main currency it is.
    ``fitted_on``: how many customers (and repeat buyers) the fit learnt from — a customer
    who bought in two currencies counts in both fits but is predicted in one."""

    currency: str
    params: dict
    fitted_on: int
    repeat_buyers: int
    customers: Sequence[int]
    predicted_clv: Sequence[float]
    expected_purchases: Sequence[float]
    p_alive: Sequence[float]


@transaction.atomic
def save_fit(
    *,
    job: JobRun | None,
    calibration_end: dt.date,
    period: str,
    params: dict,
    repeat_buyers: int,
    customers: Sequence[int],
    predicted_clv: Sequence[float],
    expected_purchases: Sequence[float],
    p_alive: Sequence[float],
    progress: Callable[[int], None] | None = None,
) -> CLVFit:
    """One currency's fit (``params["currency"]``, yen unless said) as :func:`save_fits`."""
    one = CurrencyFit(
        currency=str(params.get("currency") or HOME),
        params=params,
        fitted_on=len(customers),
        repeat_buyers=repeat_buyers,
        customers=customers,
        predicted_clv=predicted_clv,
        expected_purchases=expected_purchases,
        p_alive=p_alive,
    )
    return save_fits(
        job=job, calibration_end=calibration_end, period=period, fits=[one], progress=progress
    )


@transaction.atomic
def save_fits(
    *,
    job: JobRun | None,
    calibration_end: dt.date,
    period: str,
    fits: Sequence[CurrencyFit],
    progress: Callable[[int], None] | None = None,
) -> CLVFit:
    """Store the fits of one run — the shop's main currency first, then each other currency
    with enough orders — and their per-customer predictions when they are the fits with the
    latest calibration end (an older calibration end — a back-test — keeps its parameters
    only). ``customers``: person ids (> 0) and minus company ids (< 0), each in one fit.
    The predictions of every other run are removed in the same transaction, so a reader sees
    one run's figures. Returns the main currency's fit (stored last, so that it is the
    newest fit of this calibration end)."""
    finished = timezone.now()
    stored: list[tuple[CLVFit, CurrencyFit]] = []
    for one in [*fits[1:], fits[0]]:
        fit = CLVFit.objects.create(
            calibration_end=calibration_end,
            period=period,
            params={**one.params, "currency": one.currency, "main": one is fits[0]},
            customers=one.fitted_on,
            repeat_buyers=one.repeat_buyers,
            job=job,
            created_by=job.created_by if job else None,
            finished_at=finished,
        )
        stored.append((fit, one))
    main = stored[-1][0]
    ours = [fit.pk for fit, _one in stored]
    newer = (
        CustomerPrediction.objects.exclude(fit__in=ours)
        .filter(fit__calibration_end__gt=calibration_end)
        .exists()
    )
    if newer:
        return main
    CustomerPrediction.objects.exclude(fit__in=ours).delete()
    # one plain INSERT executed per batch: model objects and bulk_create took most of the
    # job's time for 23,570 customers (docs/benchmarks.md, analytics_clv_job)
    rows = [
        (
            fit.pk,
            customer if customer > 0 else None,
            -customer if customer < 0 else None,
            float(value),
            float(purchases),
            float(alive),
            one.currency,
        )
        for fit, one in stored
        for customer, value, purchases, alive in zip(
            one.customers, one.predicted_clv, one.expected_purchases, one.p_alive, strict=True
        )
    ]
    meta = CustomerPrediction._meta
    names = (
        "fit",
        "person",
        "company",
        "predicted_clv",
        "expected_purchases",
        "p_alive",
        "currency",
    )
    columns = ", ".join(str(getattr(meta.get_field(name), "column", name)) for name in names)
    marks = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
            if progress:
                progress(start + BATCH)
    _copy_into_snapshots(main, ours)
    return main


def _copy_into_snapshots(main: CLVFit, fits: Sequence[int]) -> None:
    """The customer figures (``CustomerMetrics``: the metrics API, the 360° panel, the list's
    filter and sort) carry the run's probability alive for every customer it predicts, and
    the predicted CLV (rounded to the minor unit) of those predicted in the main
    currency's fit: the list sorts and filters one column, so it holds one currency — a
    customer predicted in another currency has it in their prediction
    (``selectors.clv.predictions_for``). One set-based UPDATE per kind of customer, in the
    fit's transaction, so a reader never sees figures of two runs. A customer the fits do
    not cover (no purchase before the calibration end) has none."""
    from django.db.models import BigIntegerField, OuterRef, Subquery
    from django.db.models.functions import Cast, Round

    from ..models import CustomerMetrics

    for field in ("person", "company"):
        own = CustomerPrediction.objects.filter(
            fit__in=fits, **{f"{field}_id": OuterRef(f"{field}_id")}
        )
        CustomerMetrics.objects.filter(**{f"{field}__isnull": False}).update(
            predicted_clv=Subquery(
                own.filter(fit=main)
                .annotate(yen=Cast(Round("predicted_clv"), output_field=BigIntegerField()))
                .values("yen")[:1]
            ),
            p_alive=Subquery(own.values("p_alive")[:1]),
        )
