"""CLV per currency: a shop selling in dollars (the CDNOW 1/10 sample) and in yen (a
generated shop) gets one fit per currency, the dollar fit still the published one; each
customer is predicted in the currency of their orders (their main one when they bought in
two); a currency with too few orders is not fitted and the job says why."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from daifuku.analytics.maths.clv_currency import customers_main_currency
from daifuku.analytics.models import CLVFit, CustomerPrediction
from daifuku.analytics.selectors import clv as clv_selectors
from daifuku.analytics.services import clv as clv_services

from .test_clv_job import PUBLISHED_BGNBD, PUBLISHED_GG, import_cdnow_as_orders

D = np.datetime64


@pytest.mark.parametrize(
    ("jpy", "usd", "expected"),
    [
        # (customer, day) rows per currency → the customer's currency
        ([(1, "2026-01-01"), (1, "2026-02-01")], [(1, "2026-03-01")], "JPY"),  # most orders
        ([(1, "2026-01-01")], [(1, "2026-03-01")], "USD"),  # a tie: the latest order
        ([(1, "2026-05-01")], [(1, "2026-03-01")], "JPY"),
        ([(1, "2026-03-01")], [(1, "2026-03-01")], "USD"),  # same day: the shop's main one
        ([], [(1, "2026-03-01")], "USD"),
    ],
)
def test_a_customer_is_predicted_in_their_main_currency(jpy, usd, expected):
    def columns(rows):
        return (
            np.array([c for c, _ in rows], dtype=np.int64),
            np.array([d for _, d in rows], dtype="datetime64[D]"),
        )

    owners = customers_main_currency({"JPY": columns(jpy), "USD": columns(usd)}, ["USD", "JPY"])
    assert {code: ids.tolist() for code, ids in owners.items() if ids.size} == {expected: [1]}


def _orders(rows, currency: str, prefix: str) -> None:
    """Bulk orders ``(person id, date, amount in the minor unit)`` in ``currency``."""
    from daifuku.commerce.models import Order

    Order.objects.bulk_create(
        Order(
            source=f"shop-{currency.lower()}",
            number=f"{prefix}{n}",
            person_id=person,
            ordered_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))),
            subtotal=amount,
            tax=0,
            total=amount,
            net_subtotal=amount,
            net_tax=0,
            net_total=amount,
            currency=currency,
        )
        for n, (person, day, amount) in enumerate(rows)
    )


@pytest.mark.django_db
def test_a_shop_in_dollars_and_yen_gets_a_fit_per_currency(
    admin, django_capture_on_commit_callbacks
):
    from daifuku.customers.models import Person

    person_of = import_cdnow_as_orders()  # dollars, in cents: the main currency (most orders)
    rng = np.random.default_rng(19)
    yen_people = Person.objects.bulk_create(
        [Person(family_name="円", given_name=f"{n:03d}") for n in range(80)]
    )
    start = dt.date(1997, 1, 1)
    yen_rows = [
        (p.pk, start + dt.timedelta(days=int(day)), int(rng.integers(1_000, 20_000)))
        for p in yen_people
        for day in sorted(rng.choice(270, size=int(rng.integers(1, 6)), replace=False))
    ]
    _orders(yen_rows, "JPY", "Y")
    # a yen customer who once paid in euros stays a yen customer; euros alone are too few
    euro_people = Person.objects.bulk_create(
        [Person(family_name="EUR", given_name=str(n)) for n in range(3)]
    )
    euro_rows = [(p.pk, dt.date(1997, 3, 1 + n), 5_000) for p in euro_people for n in range(2)]
    euro_rows.append((yen_people[0].pk, dt.date(1997, 4, 1), 3_000))
    _orders(euro_rows, "EUR", "E")

    with django_capture_on_commit_callbacks(execute=True):
        job = clv_services.start_fit(actor=admin, calibration_end=dt.date(1997, 9, 30))
    job.refresh_from_db()
    assert job.status == job.Status.SUCCEEDED, job.error

    main = clv_selectors.fit_for(admin, calibration_end=dt.date(1997, 9, 30))
    assert main.params["currency"] == "USD" and main.params["main"] is True
    for name, value in PUBLISHED_BGNBD.items():
        assert main.params["bgnbd"][name] == pytest.approx(value, rel=0.01)
    gg = main.params["gamma_gamma"]  # in cents: γ scales with the unit
    assert gg["p"] == pytest.approx(PUBLISHED_GG["p"], rel=0.01)
    assert gg["q"] == pytest.approx(PUBLISHED_GG["q"], rel=0.01)
    assert gg["gamma"] / 100 == pytest.approx(PUBLISHED_GG["gamma"], rel=0.01)

    fits = {fit.params["currency"]: fit for fit in CLVFit.objects.all()}
    assert set(fits) == {"USD", "JPY"}
    assert fits["JPY"].customers == len(yen_people)
    assert fits["JPY"].params["bgnbd"]["r"] > 0
    assert set(job.result["skipped"]) == {"EUR"}
    assert job.result["currencies"] == {"USD": len(person_of), "JPY": len(yen_people)}

    currency_of = dict(CustomerPrediction.objects.values_list("person_id", "currency"))
    assert {currency_of[pk] for pk in person_of.values()} == {"USD"}
    assert {currency_of[p.pk] for p in yen_people} == {"JPY"}
    assert not any(p.pk in currency_of for p in euro_people)  # their currency was not fitted
    one = clv_selectors.predictions_for([yen_people[0].pk])[yen_people[0].pk]
    assert one["currency"] == "JPY" and one["fit_id"] == fits["JPY"].pk

    body = clv_selectors.fit_dict(main)
    assert body["currency"] == "USD" and set(body["by_currency"]) == {"USD", "JPY"}
    assert body["by_currency"]["JPY"]["customers"] == len(yen_people)


@pytest.mark.django_db
def test_the_customer_figures_carry_the_main_currency_clv_and_everyone_s_p_alive(
    rep, admin, django_capture_on_commit_callbacks, monkeypatch
):
    """The list's 予測CLV column holds one currency (the shop's main one); a customer
    predicted in another currency has it in their prediction, with its currency."""
    from daifuku.analytics import jobs
    from daifuku.analytics.selectors.metrics import figures_as_of
    from daifuku.commerce.services import record_order
    from daifuku.customers.services import create_person

    # three customers per currency are enough here (the thresholds are for real shops)
    monkeypatch.setattr(jobs, "MIN_CUSTOMERS", 3)
    monkeypatch.setattr(jobs, "MIN_REPEAT_BUYERS", 1)
    d = dt.date
    rows = [
        ("甲", "JPY", d(2026, 1, 5), 1_000),
        ("甲", "JPY", d(2026, 2, 5), 3_000),
        ("甲", "JPY", d(2026, 3, 5), 2_000),
        ("乙", "JPY", d(2026, 1, 20), 5_000),
        ("乙", "JPY", d(2026, 4, 20), 7_000),
        ("丙", "JPY", d(2026, 2, 1), 4_000),
        ("丁", "USD", d(2026, 1, 7), 1_500),
        ("丁", "USD", d(2026, 3, 9), 2_500),
        ("戊", "USD", d(2026, 2, 11), 4_000),
        ("戊", "USD", d(2026, 5, 2), 3_000),
        ("己", "USD", d(2026, 3, 3), 9_900),
        # bought in both: most orders in dollars, so predicted in dollars
        ("庚", "JPY", d(2026, 1, 9), 3_000),
        ("庚", "USD", d(2026, 2, 9), 2_000),
        ("庚", "USD", d(2026, 4, 9), 2_200),
    ]
    people = {}
    for n, (who, code, day, total) in enumerate(rows):
        if who not in people:
            people[who] = create_person(actor=rep, data={"family_name": who, "given_name": "様"})
        record_order(
            actor=rep,
            number=f"C{n}",
            person=people[who],
            ordered_at=day,
            total=total,
            currency=code,
        )
    with django_capture_on_commit_callbacks(execute=True):
        job = clv_services.start_fit(actor=admin, calibration_end=d(2026, 6, 30))
    job.refresh_from_db()
    assert job.result["currencies"] == {"JPY": 3, "USD": 4}, job.error
    fits = {fit.params["currency"]: fit for fit in CLVFit.objects.all()}
    assert fits["JPY"].params["main"] and fits["JPY"].customers == 4  # 庚's yen order counts
    predicted = clv_selectors.predictions_for([p.pk for p in people.values()], user=rep)
    for who, person in people.items():
        mine = predicted[person.pk]
        figures = figures_as_of(rep, person)
        if who in "甲乙丙":
            assert mine["currency"] == "JPY"
            assert figures["predicted_clv"] == mine["predicted_clv"]
            assert figures["p_alive"] == pytest.approx(mine["p_alive"])
        elif who == "庚":  # has yen figures; predicted in dollars, kept out of the yen column
            assert mine["currency"] == "USD" and mine["fit_id"] == fits["USD"].pk
            assert figures["predicted_clv"] is None
            assert figures["p_alive"] == pytest.approx(mine["p_alive"])
        else:  # dollars only: no yen figures at all, the prediction is theirs alone
            assert mine["currency"] == "USD"
            assert figures["predicted_clv"] is None and figures["p_alive"] is None
