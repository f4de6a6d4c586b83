"""The CLV fit as a background job, from orders in the database: the CDNOW 1/10 sample
imported as orders (a bulk path: one person per CDNOW customer, one order per
transaction, dollars as cents) reproduces the published BG/NBD and Gamma-Gamma fits
(Fader, Hardie & Lee 2005) within 1 %, and every customer gets a prediction."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from daifuku.analytics.models import CLVFit, CustomerPrediction
from daifuku.analytics.selectors import clv as clv_selectors
from daifuku.analytics.services import clv as clv_services
from daifuku.core.models import JobRun

from . import cdnow

pytestmark = pytest.mark.django_db

PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}  # dollars
CENTS = 100


def import_cdnow_as_orders() -> dict[int, int]:
    """CDNOW customer id → person id. Orders at noon Japan time on the CDNOW day."""
    from daifuku.commerce.models import Order
    from daifuku.customers.models import Person

    customers, dates, dollars = cdnow.load()
    ids = sorted(set(customers.tolist()))
    people = Person.objects.bulk_create(
        [Person(family_name="CDNOW", given_name=f"{cid:05d}") for cid in ids], batch_size=1000
    )
    person_of = {cid: p.pk for cid, p in zip(ids, people, strict=True)}
    orders = []
    for n, (cid, day, amount) in enumerate(
        zip(customers.tolist(), dates.tolist(), dollars.tolist(), strict=True)
    ):
        cents = int(round(amount * CENTS))
        orders.append(
            Order(
                source="cdnow",
                number=str(n + 1),
                person_id=person_of[cid],
                ordered_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))),
                subtotal=cents,
                tax=0,
                total=cents,
                net_subtotal=cents,
                net_tax=0,
                net_total=cents,
                currency="USD",  # the sample is in dollars; the fit follows the orders' currency
            )
        )
    Order.objects.bulk_create(orders, batch_size=1000)
    return person_of


def test_cdnow_orders_reproduce_the_published_fit(admin, django_capture_on_commit_callbacks):
    person_of = import_cdnow_as_orders()
    with django_capture_on_commit_callbacks(execute=True):
        job = clv_services.start_fit(actor=admin, calibration_end=dt.date(1997, 9, 30))
    job.refresh_from_db()
    assert job.status == JobRun.Status.SUCCEEDED, job.error
    assert (job.progress_done, job.progress_total) == (4, 4)
    fit = CLVFit.objects.get()
    assert fit.params["currency"] == "USD"
    assert fit.customers == 2_357 and fit.calibration_end == dt.date(1997, 9, 30)
    for name, published in PUBLISHED_BGNBD.items():
        assert fit.params["bgnbd"][name] == pytest.approx(published, rel=0.01), name
    got = dict(fit.params["gamma_gamma"], gamma=fit.params["gamma_gamma"]["gamma"] / CENTS)
    for name, published in PUBLISHED_GG.items():
        assert got[name] == pytest.approx(published, rel=0.01), name
    # every customer has a prediction; a one-time buyer is alive for sure (BG/NBD)
    assert CustomerPrediction.objects.filter(fit=fit).count() == 2_357
    sample = clv_selectors.predictions_for(person_of.values())
    alive = np.array([p["p_alive"] for p in sample.values()])
    assert len(sample) == 2_357 and ((alive > 0) & (alive <= 1)).all()
    # CDNOW customer 1 bought twice in January 1997, then not for eight months
    first = sample[person_of[1]]
    assert 0 < first["p_alive"] < 1 and first["predicted_clv"] >= 0


def _orders(rep, rows):
    from daifuku.commerce.services import record_order
    from daifuku.customers.services import create_person

    people = {}
    for n, (who, day, total) in enumerate(rows):
        if who not in people:
            people[who] = create_person(actor=rep, data={"family_name": who, "given_name": "様"})
        record_order(actor=rep, number=f"N{n}", person=people[who], ordered_at=day, total=total)
    return people


def test_a_newer_fit_replaces_the_predictions_an_older_calibration_end_does_not(
    rep, admin, django_capture_on_commit_callbacks
):
    d = dt.date
    people = _orders(
        rep,
        [
            ("甲", d(2026, 1, 5), 1_000),
            ("甲", d(2026, 2, 5), 3_000),
            ("甲", d(2026, 3, 5), 2_000),
            ("乙", d(2026, 1, 20), 5_000),
            ("乙", d(2026, 4, 20), 7_000),
            ("丙", d(2026, 2, 1), 4_000),
        ],
    )
    for end in (d(2026, 6, 30), d(2026, 3, 31)):
        with django_capture_on_commit_callbacks(execute=True):
            clv_services.start_fit(actor=admin, calibration_end=end)
    newest, older = CLVFit.objects.order_by("-calibration_end")
    assert newest.customers == 3 and older.customers == 3
    assert set(CustomerPrediction.objects.values_list("fit_id", flat=True)) == {newest.pk}
    got = clv_selectors.predictions_for([p.pk for p in people.values()], user=rep)
    assert set(got) == {p.pk for p in people.values()}
    assert all(v["calibration_end"] == d(2026, 6, 30) for v in got.values())


def test_no_orders_fails_the_job_with_a_reason(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = clv_services.start_fit(actor=admin, calibration_end=dt.date(2026, 1, 1))
    job.refresh_from_db()
    assert job.status == JobRun.Status.FAILED
    assert "2回以上購入した顧客がいない" in job.error
    assert not CLVFit.objects.exists()


def test_the_nightly_fit_runs_once_a_day(rep, django_capture_on_commit_callbacks):
    from daifuku.core import schedule

    assert "analytics.fit_clv" in {job.name for job in schedule.registered()}
    today = timezone.localdate()
    _orders(
        rep,
        [
            ("甲", today - dt.timedelta(days=90), 1_000),
            ("甲", today - dt.timedelta(days=30), 2_000),
            ("乙", today - dt.timedelta(days=60), 3_000),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = clv_services.nightly_fit()
    assert job is not None
    assert CLVFit.objects.get().calibration_end == today - dt.timedelta(days=1)
    assert clv_services.nightly_fit() is None  # already fitted today


def test_the_fit_puts_predicted_clv_and_p_alive_into_the_customer_figures(
    rep, admin, django_capture_on_commit_callbacks
):
    """The metrics API, the 360° panel and the list read ``CustomerMetrics``: after a fit its
    predicted CLV and probability alive are there, equal to the fit's own predictions."""
    from daifuku.analytics.selectors.metrics import figures_as_of

    d = dt.date
    people = _orders(
        rep,
        [
            ("甲", d(2026, 1, 5), 1_000),
            ("甲", d(2026, 2, 5), 3_000),
            ("甲", d(2026, 3, 5), 2_000),
            ("乙", d(2026, 1, 20), 5_000),
            ("乙", d(2026, 4, 20), 7_000),
            ("丙", d(2026, 2, 1), 4_000),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        clv_services.start_fit(actor=admin, calibration_end=d(2026, 6, 30))
    predicted = clv_selectors.predictions_for([p.pk for p in people.values()], user=rep)
    for person in people.values():
        figures = figures_as_of(rep, person)
        assert figures["predicted_clv"] == predicted[person.pk]["predicted_clv"]
        assert figures["p_alive"] == pytest.approx(predicted[person.pk]["p_alive"])
