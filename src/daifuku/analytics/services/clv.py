"""Writes of the predictive CLV that start a fit as a background job (what a fit found is
stored by :mod:`.predictions`, which the job calls: this module queues the job and the job
never comes back here, so there is no import circle between services and jobs).

A fit reads every order up to its calibration end and takes seconds at most, so it runs
as a job with progress (``core.jobs``) rather than inside a request; asking again for the
same calibration end while one runs answers with that job instead of starting another."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from daifuku.core import jobs
from daifuku.core.models import JobRun

from ..permissions import ensure_business_reader

JOB_KIND = "analytics.fit_clv"


@transaction.atomic
def start_fit(*, actor, calibration_end: dt.date, period: str = "week") -> JobRun:
    """Queue a fit on the orders up to ``calibration_end`` (a business reader, or a system
    actor: a command or the schedule); the job's id is what the caller polls."""
    from ..jobs import fit_clv_task

    if not isinstance(actor, str):
        ensure_business_reader(actor)
    job = jobs.start_job(
        kind=JOB_KIND,
        actor=actor,
        parameters={"calibration_end": calibration_end.isoformat(), "period": period},
        total=4,
    )
    transaction.on_commit(lambda: fit_clv_task.enqueue(job.pk))
    return job


def nightly_fit() -> JobRun | None:
    """The schedule's entry point: fit on the orders up to yesterday (Japan time) once a
    day, so every customer's predicted CLV and probability alive stay current; nothing
    when that fit exists or is under way."""
    from ..selectors import clv as clv_selectors

    end = timezone.localdate() - dt.timedelta(days=1)
    if clv_selectors.open_job(end) is not None or clv_selectors.fitted(end):
        return None
    return start_fit(actor="schedule", calibration_end=end)
