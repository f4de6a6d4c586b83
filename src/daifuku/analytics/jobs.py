"""Background jobs of analytics (their django-tasks declarations and bodies): the full
rebuild of the customer metrics (nightly and ``daifuku analytics_rebuild``), the
re-ranking after the rank rules changed, and the CLV fit (``analytics.fit_clv``). They
compute through :mod:`.services.metrics` and :mod:`.services.predictions`; the services
that queue them (:mod:`.services.rules`, :mod:`.services.clv`) are never imported from
here, so there is no import circle.

The CLV fit: BG/NBD and Gamma-Gamma fitted by maximum likelihood on the orders up to the
calibration end, then every customer's next 12 months predicted. Progress (``core.jobs``):
1 orders read, 2 BG/NBD fitted, 3 Gamma-Gamma fitted, 4 the predictions stored. A fit the
data cannot support (no customers, no repeat buyers) ends the job as failed with a message
saying so. Idempotent: a finished job is left alone."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from daifuku.core import jobs

from .maths import clv as maths
from .models import RankChange
from .selectors import clv as clv_selectors
from .selectors.orders import main_currency, transactions
from .services import figure_totals, metrics, predictions

JOB_KIND = "analytics_rebuild"
NIGHTLY_SECONDS = 24 * 60 * 60
YEAR_WEEKS = 12 * maths.MONTH_WEEKS


def run_rebuild(
    *,
    job_id: int | None = None,
    as_of: dt.date | None = None,
    recalibrate: bool = True,
    reason: str = RankChange.Reason.REBUILD,
) -> dict:
    """Recompute every snapshot (progress in the JobRun ``job_id`` when given)."""
    from daifuku.core.models import JobRun

    job = JobRun.objects.filter(pk=job_id).first() if job_id else None
    if job is not None:
        jobs.mark_running(job)

    def progress(entity: str, done: int, total: int) -> None:
        if job is not None:
            jobs.report_progress(job, done, total=total, message=entity)

    try:
        result = metrics.rebuild(
            as_of=as_of, recalibrate=recalibrate, reason=reason, progress=progress
        )
        result["figure_totals"] = figure_totals.rebuild()
    except Exception as error:
        if job is not None:
            jobs.fail(job, str(error)[:500])
        raise
    if job is not None:
        jobs.finish(job, result=result)
    return result


def rerank_all() -> dict:
    """The rank rules changed: everybody's rank again (RFM cut points kept)."""
    return metrics.rebuild(recalibrate=False, reason=RankChange.Reason.RULES)


def nightly() -> None:
    """Periodic entry point (``core.schedule``): queue tonight's rebuild (ranks lapse
    when their window has passed, recency moves on, RFM cut points follow the buyers)."""
    job = jobs.start_job(kind=JOB_KIND, parameters={"reason": "nightly"})
    transaction.on_commit(lambda: rebuild_metrics.enqueue(job.pk))


@task()
def rerank() -> None:
    rerank_all()


@task()
def rebuild_metrics(job_id: int | None = None) -> None:
    run_rebuild(job_id=job_id)


def fit_clv(job_id: int):
    job = clv_selectors.job(job_id)
    if job is None or job.is_finished:
        return None
    end = dt.date.fromisoformat(job.parameters["calibration_end"])
    period = job.parameters.get("period", "week")
    jobs.mark_running(job, total=4, message=_("Reading the orders…"))
    try:
        # one currency per fit: amounts in yen and in cents do not mix
        currency = job.parameters.get("currency") or main_currency(until=end)
        rows = transactions(None, until=end, currency=currency)
        summary = maths.summarise(rows.customer, rows.day, rows.amount, end=end)
        if not (summary.frequency > 0).any():
            jobs.fail(
                job,
                _(
                    "No customer has bought twice up to %(date)s: the CLV models learn from "
                    "repeat purchases, so there is nothing to fit yet."
                )
                % {"date": end.isoformat()},
            )
            return None
        jobs.report_progress(job, 1, message=_("Fitting the purchase model (BG/NBD)…"))
        bgnbd = maths.fit_bgnbd(summary.frequency, summary.recency, summary.T)
        jobs.report_progress(job, 2, message=_("Fitting the order value model (Gamma-Gamma)…"))
        gg = maths.fit_gamma_gamma(summary.frequency, summary.monetary)
        jobs.report_progress(job, 3, message=_("Predicting each customer's next 12 months…"))
        args = (summary.frequency, summary.recency, summary.T)
        fit = predictions.save_fit(
            job=job,
            calibration_end=end,
            period=period,
            params={
                "bgnbd": {"r": bgnbd.r, "alpha": bgnbd.alpha, "a": bgnbd.a, "b": bgnbd.b},
                "gamma_gamma": {"p": gg.p, "q": gg.q, "gamma": gg.gamma},
                "currency": currency,
            },
            repeat_buyers=int((summary.frequency > 0).sum()),
            customers=summary.customers.tolist(),
            predicted_clv=np.nan_to_num(maths.clv(bgnbd, gg, *args, summary.monetary)).tolist(),
            expected_purchases=np.nan_to_num(
                maths.expected_purchases(bgnbd, YEAR_WEEKS, *args)
            ).tolist(),
            p_alive=maths.probability_alive(bgnbd, *args).tolist(),
        )
    except maths.FitError as error:
        jobs.fail(job, _("The orders cannot support a CLV fit yet: %(reason)s") % {"reason": error})
        return None
    except Exception as error:
        jobs.fail(job, str(error)[:2000])
        raise
    jobs.finish(
        job,
        result={"fit_id": fit.pk, "customers": fit.customers},
        message=_("%(count)d customers fitted") % {"count": fit.customers},
    )
    return fit


@task()
def fit_clv_task(job_id: int) -> None:
    fit_clv(job_id)
