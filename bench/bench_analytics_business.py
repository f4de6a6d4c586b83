"""Business figures and the CLV job on orders in the database (issue 19).

Data: the CDNOW 1/10 sample as orders (one person per CDNOW customer, one order per
transaction, dollars as cents), once at ``tiny`` (2,357 customers, 6,919 orders) and
replicated ×10 with new customers at ``small``/``full`` (23,570 customers, 69,190 orders:
the size of the full CDNOW set), bulk-inserted once per scale and database and reused.

Measured, each against a baseline in the same run:

* the ``analytics.fit_clv`` job end to end — read the orders, fit BG/NBD and Gamma-Gamma,
  store every customer's prediction — vs. the same fit on arrays already in memory (what
  the database adds). The parameters are checked against the published ones (within 1 %)
  before any time counts. Goal: ≤ 1 s for the fit itself (``bench_analytics_maths``), the
  job a few times that;
* the cohort table (``selectors.business.cohorts``) vs. the same active-customer counts
  as one GROUP BY in SQL (what a report query does), and a person's recommendations with
  the co-purchases cached.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .common import Result, summary, time_ms

SOURCE = "bench-cdnow"
CENTS = 100
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74}
PUBLISHED_GAMMA = 15.44


def copies_for(scale: str) -> int:
    return 1 if scale == "tiny" else 10


def load(copies: int) -> int:
    """The CDNOW orders ×``copies`` (reused when present); returns the number of orders."""
    from daifuku.analytics.tests import cdnow
    from daifuku.commerce.models import Order
    from daifuku.customers.models import Person

    source = f"{SOURCE}-{copies}"
    present = Order.objects.filter(source=source).count()
    if present:
        return present
    customers, dates, dollars = cdnow.load()
    ids = sorted(set(customers.tolist()))
    orders = []
    with transaction.atomic():
        for copy in range(copies):
            people = Person.objects.bulk_create(
                [Person(family_name="CDNOW", given_name=f"{copy}-{cid:05d}") for cid in ids],
                batch_size=2000,
            )
            person_of = {cid: p.pk for cid, p in zip(ids, people, strict=True)}
            for n, (cid, day, amount) in enumerate(
                zip(customers.tolist(), dates.tolist(), dollars.tolist(), strict=True)
            ):
                cents = int(round(amount * CENTS))
                orders.append(
                    Order(
                        source=source,
                        number=f"{copy}-{n}",
                        person_id=person_of[cid],
                        ordered_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))),
                        subtotal=cents,
                        tax=0,
                        total=cents,
                        net_subtotal=cents,
                        net_tax=0,
                        net_total=cents,
                    )
                )
        Order.objects.bulk_create(orders, batch_size=5000)
    return len(orders)


def fit_job():
    """One run of the job body, as the worker runs it."""
    from daifuku.analytics.jobs import fit_clv
    from daifuku.analytics.services.clv import JOB_KIND
    from daifuku.core import jobs

    job = jobs.start_job(
        kind=JOB_KIND, actor="bench", parameters={"calibration_end": "1997-09-30", "period": "week"}
    )
    fit = fit_clv(job.pk)
    assert fit is not None, "the fit failed"
    return fit


def fit_in_memory():
    from daifuku.analytics.maths import clv
    from daifuku.analytics.selectors.orders import transactions

    rows = transactions(None, until=dt.date(1997, 9, 30))
    summary_ = clv.summarise(rows.customer, rows.day, rows.amount, end="1997-09-30")

    def fit():
        return (
            clv.fit_bgnbd(summary_.frequency, summary_.recency, summary_.T),
            clv.fit_gamma_gamma(summary_.frequency, summary_.monetary),
        )

    return fit


def cohort_counts_in_sql():
    """Buyers per (first-purchase month, month) — the heart of the cohort table — in SQL:
    month of each order, first month of each customer, then a GROUP BY."""
    from daifuku.commerce.models import Order

    return list(
        Order.objects.filter(status="ordered", net_total__gt=0)
        .annotate(month=TruncMonth("ordered_at"))
        .values("person_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )


def run(scale: str) -> list[Result]:
    from daifuku.accounts.models import User
    from daifuku.analytics.selectors import business, crosssell

    copies = copies_for(scale)
    orders = load(copies)
    fit = fit_job()
    params = {**fit.params["bgnbd"], **fit.params["gamma_gamma"]}
    for name, value in PUBLISHED.items():
        assert abs(params[name] / value - 1) <= 0.01, (name, params[name])
    assert abs(params["gamma"] / CENTS / PUBLISHED_GAMMA - 1) <= 0.01, params["gamma"]
    repeat = 3 if scale == "tiny" else 5
    job = summary(time_ms(fit_job, repeat=repeat, warmup=0))
    in_memory = summary(time_ms(fit_in_memory(), repeat=repeat, warmup=1))

    reader = User.objects.filter(username="bench-reader").first() or User.objects.create(
        username="bench-reader", role="admin"
    )
    cohorts = summary(time_ms(lambda: business.cohorts(reader), repeat=repeat, warmup=1))
    sql = summary(time_ms(cohort_counts_in_sql, repeat=repeat, warmup=1))
    from daifuku.commerce.models import Order

    person_id = Order.objects.filter(source=f"{SOURCE}-{copies}").values_list(
        "person_id", flat=True
    )[0]
    recommend = summary(
        time_ms(lambda: crosssell.recommendations_for(reader, person_id), repeat=20, warmup=1)
    )
    return [
        Result(
            benchmark="analytics_clv_job",
            scale=scale,
            metrics={
                "orders": orders,
                "customers": fit.customers,
                "job_p50_ms": job["p50_ms"],
                "job_max_ms": job["p95_ms"],
            },
            baseline={"fit_on_arrays_in_memory_p50_ms": in_memory["p50_ms"]},
            ratio=round(job["p50_ms"] / in_memory["p50_ms"], 1) if in_memory["p50_ms"] else None,
            goal="published CDNOW parameters within 1 % from orders in the database",
            passed=True,
            notes=f"{connection.vendor}; read orders + fit + store every prediction",
        ),
        Result(
            benchmark="analytics_business_figures",
            scale=scale,
            metrics={
                "orders": orders,
                "cohorts_p50_ms": cohorts["p50_ms"],
                "recommendations_cached_p50_ms": recommend["p50_ms"],
            },
            baseline={"cohort_counts_group_by_sql_p50_ms": sql["p50_ms"]},
            ratio=round(sql["p50_ms"] / cohorts["p50_ms"], 2) if cohorts["p50_ms"] else None,
            notes="cohorts: whole table with revenue, net of returns; SQL: counts only",
        ),
    ]
