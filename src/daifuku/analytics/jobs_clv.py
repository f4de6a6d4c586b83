"""Job body ``analytics.fit_clv``: fit BG/NBD and Gamma-Gamma by maximum likelihood on
the orders up to the calibration end, then predict every customer's next 12 months.

Progress (``core.jobs``): 1 orders read, 2 BG/NBD fitted, 3 Gamma-Gamma fitted, 4 the
predictions stored. A fit the data cannot support (no customers, no repeat buyers) ends
the job as failed with a message saying so. Idempotent: a finished job is left alone."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
from django.utils.translation import gettext as _

from daifuku.core import jobs

from .maths import clv as maths
from .selectors import clv as clv_selectors
from .selectors.orders import transactions
from .services import clv as clv_services

logger = logging.getLogger(__name__)

YEAR_WEEKS = 12 * maths.MONTH_WEEKS


def fit_clv(job_id: int):
    job = clv_selectors.job(job_id)
    if job is None or job.is_finished:
        return None
    end = dt.date.fromisoformat(job.parameters["calibration_end"])
    period = job.parameters.get("period", "week")
    jobs.mark_running(job, total=4, message=_("Reading the orders…"))
    try:
        rows = transactions(None, until=end)
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
        fit = clv_services.save_fit(
            job=job,
            calibration_end=end,
            period=period,
            params={
                "bgnbd": {"r": bgnbd.r, "alpha": bgnbd.alpha, "a": bgnbd.a, "b": bgnbd.b},
                "gamma_gamma": {"p": gg.p, "q": gg.q, "gamma": gg.gamma},
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
