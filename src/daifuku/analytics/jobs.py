"""Background jobs of analytics (their django-tasks declarations and bodies): the full
rebuild of the customer metrics (nightly and ``daifuku analytics_rebuild``), the
re-ranking after the rank rules changed, and the CLV fit (``analytics.fit_clv``). They
compute through :mod:`.services.metrics` and :mod:`.services.predictions`; the services
that queue them (:mod:`.services.rules`, :mod:`.services.clv`) are never imported from
here, so there is no import circle.

The CLV fit: BG/NBD and Gamma-Gamma fitted by maximum likelihood on the orders up to the
calibration end, then every customer's next 12 months predicted — one fit per currency with
enough orders, each customer predicted in their main currency (maths/clv_currency.py).
Progress (``core.jobs``): 1 orders read, 2 the main currency fitted (BG/NBD, Gamma-Gamma),
3 the other currencies fitted, 4 the predictions stored. A fit the
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
from .maths import clv_currency
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


#: a currency other than the shop's main one is fitted when it has at least this many
#: customers, this many of whom bought twice (fewer cannot pin four BG/NBD parameters)
MIN_CUSTOMERS = 50
MIN_REPEAT_BUYERS = 10


def _fit_one(code: str, rows, end: dt.date, mine) -> predictions.CurrencyFit:
    """Fit one currency's orders; predict ``mine`` (customer ids; None: everyone in it)."""
    summary = maths.summarise(rows.customer, rows.day, rows.amount, end=end)
    bgnbd = maths.fit_bgnbd(summary.frequency, summary.recency, summary.T)
    gg = maths.fit_gamma_gamma(summary.frequency, summary.monetary)
    keep = (
        np.ones(summary.customers.size, dtype=bool)
        if mine is None
        else np.isin(summary.customers, mine)
    )
    args = (summary.frequency[keep], summary.recency[keep], summary.T[keep])
    return predictions.CurrencyFit(
        currency=code,
        params={
            "bgnbd": {"r": bgnbd.r, "alpha": bgnbd.alpha, "a": bgnbd.a, "b": bgnbd.b},
            "gamma_gamma": {"p": gg.p, "q": gg.q, "gamma": gg.gamma},
        },
        fitted_on=int(summary.customers.size),
        repeat_buyers=int((summary.frequency > 0).sum()),
        customers=summary.customers[keep].tolist(),
        predicted_clv=np.nan_to_num(maths.clv(bgnbd, gg, *args, summary.monetary[keep])).tolist(),
        expected_purchases=np.nan_to_num(
            maths.expected_purchases(bgnbd, YEAR_WEEKS, *args)
        ).tolist(),
        p_alive=maths.probability_alive(bgnbd, *args).tolist(),
    )


def _too_little(rows, end: dt.date) -> str | None:
    """Why a secondary currency is not fitted, or None when it has enough orders."""
    summary = maths.summarise(rows.customer, rows.day, rows.amount, end=end)
    repeat = int((summary.frequency > 0).sum())
    if summary.customers.size < MIN_CUSTOMERS or repeat < MIN_REPEAT_BUYERS:
        return _(
            "%(customers)d customers, %(repeat)d of them repeat buyers: a fit needs at least "
            "%(min_customers)d and %(min_repeat)d."
        ) % {
            "customers": summary.customers.size,
            "repeat": repeat,
            "min_customers": MIN_CUSTOMERS,
            "min_repeat": MIN_REPEAT_BUYERS,
        }
    return None


def fit_clv(job_id: int):
    job = clv_selectors.job(job_id)
    if job is None or job.is_finished:
        return None
    end = dt.date.fromisoformat(job.parameters["calibration_end"])
    period = job.parameters.get("period", "week")
    jobs.mark_running(job, total=4, message=_("Reading the orders…"))
    try:
        # one currency per fit: amounts in yen and in cents do not mix. The main currency
        # (most orders) is fitted as it always was; each other one with enough orders gets
        # its own fit, and every customer is predicted in their own main currency
        named = job.parameters.get("currency")
        main = named or main_currency(until=end)
        others = (
            [] if named else [c for c in clv_selectors.order_currencies(until=end) if c != main]
        )
        rows = {code: transactions(None, until=end, currency=code) for code in [main, *others]}
        summary = maths.summarise(rows[main].customer, rows[main].day, rows[main].amount, end=end)
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
        owners = (
            clv_currency.customers_main_currency(
                {code: (r.customer, r.day) for code, r in rows.items()}, [main, *sorted(others)]
            )
            if others
            else {}
        )
        jobs.report_progress(job, 1, message=_("Fitting the purchase model (BG/NBD)…"))
        fits = [_fit_one(main, rows[main], end, owners.get(main))]
        jobs.report_progress(job, 2, message=_("Fitting the models of the other currencies…"))
        skipped: dict[str, str] = {}
        for code in others:
            reason = _too_little(rows[code], end)
            if reason is None:
                try:
                    fits.append(_fit_one(code, rows[code], end, owners.get(code)))
                except maths.FitError as error:
                    reason = str(error)
            if reason is not None:
                skipped[code] = reason
        jobs.report_progress(job, 3, message=_("Predicting each customer's next 12 months…"))
        fit = predictions.save_fits(job=job, calibration_end=end, period=period, fits=fits)
    except maths.FitError as error:
        jobs.fail(job, _("The orders cannot support a CLV fit yet: %(reason)s") % {"reason": error})
        return None
    except Exception as error:
        jobs.fail(job, str(error)[:2000])
        raise
    predicted = sum(len(one.customers) for one in fits)
    jobs.finish(
        job,
        result={
            "fit_id": fit.pk,
            "customers": fit.customers,
            "currencies": {one.currency: len(one.customers) for one in fits},
            "skipped": skipped,
        },
        message=_("%(count)d customers fitted") % {"count": predicted},
    )
    return fit


@task()
def fit_clv_task(job_id: int) -> None:
    fit_clv(job_id)
