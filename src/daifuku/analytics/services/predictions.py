"""Writes of the predictive CLV's results: a finished fit's parameters and every customer's
prediction, copied into the customer figures in the same transaction. Called by the fit job
(:mod:`daifuku.analytics.jobs`); starting a fit is :mod:`.clv`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.db import connection, transaction
from django.utils import timezone

from daifuku.core.models import JobRun

from ..models import CLVFit, CustomerPrediction

BATCH = 5_000


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
    """Store a fit, and its per-customer predictions when it is the fit with the latest
    calibration end (an older calibration end — a back-test — keeps its parameters only).
    ``customers``: person ids (> 0) and minus company ids (< 0). The predictions of every
    other fit are removed in the same transaction, so a reader sees one fit's figures."""
    fit = CLVFit.objects.create(
        calibration_end=calibration_end,
        period=period,
        params=params,
        customers=len(customers),
        repeat_buyers=repeat_buyers,
        job=job,
        created_by=job.created_by if job else None,
        finished_at=timezone.now(),
    )
    newer = (
        CustomerPrediction.objects.exclude(fit=fit)
        .filter(fit__calibration_end__gt=calibration_end)
        .exists()
    )
    if newer:
        return fit
    CustomerPrediction.objects.exclude(fit=fit).delete()
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
        )
        for customer, value, purchases, alive in zip(
            customers, predicted_clv, expected_purchases, p_alive, strict=True
        )
    ]
    meta = CustomerPrediction._meta
    names = ("fit", "person", "company", "predicted_clv", "expected_purchases", "p_alive")
    columns = ", ".join(str(getattr(meta.get_field(name), "column", name)) for name in names)
    sql = f"INSERT INTO {meta.db_table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
            if progress:
                progress(start + BATCH)
    _copy_into_snapshots(fit)
    return fit


def _copy_into_snapshots(fit: CLVFit) -> None:
    """The customer figures (``CustomerMetrics``: the metrics API, the 360° panel, the list's
    filter and sort) carry the current fit's predicted CLV (rounded to the yen) and
    probability alive: one set-based UPDATE per kind of customer, in the fit's transaction,
    so a reader never sees figures of two fits. A customer the fit does not cover (no
    purchase before the calibration end) has none."""
    from django.db.models import BigIntegerField, OuterRef, Subquery
    from django.db.models.functions import Cast, Round

    from ..models import CustomerMetrics

    for field in ("person", "company"):
        own = CustomerPrediction.objects.filter(fit=fit, **{f"{field}_id": OuterRef(f"{field}_id")})
        CustomerMetrics.objects.filter(**{f"{field}__isnull": False}).update(
            predicted_clv=Subquery(
                own.annotate(
                    yen=Cast(Round("predicted_clv"), output_field=BigIntegerField())
                ).values("yen")[:1]
            ),
            p_alive=Subquery(own.values("p_alive")[:1]),
        )
