"""CLV maths: the transaction summary by hand, and the CDNOW reproduction of the
published BG/NBD and Gamma-Gamma fits (Fader, Hardie & Lee 2005) within 1 %."""

import numpy as np
import pytest

from daifuku.analytics.maths import clv

from . import cdnow


@pytest.mark.parametrize(
    "rows, expected",
    [
        # one purchase: no repeats, monetary 0 (the first purchase never counts)
        ([("a", "2024-01-01", 100)], {"a": (0, 0.0, 14 / 7, 0.0)}),
        # two orders on one day are one purchase, amounts summed; repeat mean over repeats only
        (
            [
                ("a", "2024-01-01", 100),
                ("a", "2024-01-08", 30),
                ("a", "2024-01-08", 20),
                ("a", "2024-01-15", 10),
            ],
            {"a": (2, 2.0, 2.0, 30.0)},
        ),
        # a return-only day is not a purchase; a day netted to ≥ 0 still is
        (
            [
                ("a", "2024-01-01", 100),
                ("a", "2024-01-08", -100),
                ("a", "2024-01-15", 50),
                ("a", "2024-01-15", -20),
            ],
            {"a": (1, 2.0, 2.0, 30.0)},
        ),
        # only order fully returned later: not a buyer; a free (zero-amount) order is a purchase
        (
            [("a", "2024-01-01", 100), ("a", "2024-01-05", -100), ("b", "2024-01-08", 0)],
            {"b": (0, 0.0, 1.0, 0.0)},
        ),
        # transactions after the end are ignored; a customer who only buys later is absent
        (
            [("a", "2024-01-01", 10), ("a", "2024-01-16", 10), ("b", "2024-01-20", 5)],
            {"a": (0, 0.0, 2.0, 0.0)},
        ),
        # several customers come back in id order
        (
            [("b", "2024-01-08", 10), ("a", "2024-01-01", 10), ("a", "2024-01-15", 40)],
            {"a": (1, 2.0, 2.0, 40.0), "b": (0, 0.0, 1.0, 0.0)},
        ),
    ],
)
def test_summary_from_raw_transactions(rows, expected):
    customers, dates, amounts = zip(*rows, strict=True)
    summary = clv.summarise(customers, dates, amounts, end="2024-01-15")
    got = {
        c: (int(f), float(r), float(t), float(m))
        for c, f, r, t, m in zip(
            summary.customers,
            summary.frequency,
            summary.recency,
            summary.T,
            summary.monetary,
            strict=True,
        )
    }
    assert got == {k: pytest.approx(v) for k, v in expected.items()}


def test_empty_transactions_give_an_empty_summary():
    summary = clv.summarise([], np.array([], dtype="datetime64[D]"), [], end="2024-01-01")
    assert summary.customers.size == 0


@pytest.fixture(scope="module")
def cdnow_summary():
    customers, dates, amounts = cdnow.load()
    return clv.summarise(customers, dates, amounts, end=cdnow.CALIBRATION_END)


def test_cdnow_summary_matches_the_paper(cdnow_summary):
    s = cdnow_summary
    assert s.customers.size == 2357
    assert int((s.frequency > 0).sum()) == 946  # the repeat buyers Gamma-Gamma is fitted on
    first = int(np.flatnonzero(s.customers == 1)[0])  # sample id 1: the paper's worked example
    assert (
        s.frequency[first],
        round(s.recency[first], 2),
        round(s.T[first], 2),
        round(s.monetary[first], 2),
    ) == (2, 30.43, 38.86, 22.35)


def test_cdnow_bgnbd_fit_reproduces_the_published_parameters(cdnow_summary):
    s = cdnow_summary
    model = clv.fit_bgnbd(s.frequency, s.recency, s.T)
    assert model.r == pytest.approx(0.243, rel=0.01)
    assert model.alpha == pytest.approx(4.414, rel=0.01)
    assert model.a == pytest.approx(0.793, rel=0.01)
    assert model.b == pytest.approx(2.426, rel=0.01)
    # paper's worked example: x = 2, tₓ = 30.43, T = 38.86 → 1.226 purchases in the next 39 weeks
    assert float(clv.expected_purchases(model, 39, 2, 30.43, 38.86)) == pytest.approx(
        1.226, rel=0.01
    )


def test_cdnow_gamma_gamma_fit_reproduces_the_published_parameters(cdnow_summary):
    s = cdnow_summary
    model = clv.fit_gamma_gamma(s.frequency, s.monetary)
    assert model.p == pytest.approx(6.25, rel=0.01)
    assert model.q == pytest.approx(3.74, rel=0.01)
    assert model.gamma == pytest.approx(15.44, rel=0.01)


MODEL = clv.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)
GG = clv.GammaGamma(p=6.25, q=3.74, gamma=15.44)


@pytest.mark.parametrize(
    "x, tx, T, alive",
    [
        (0, 0.0, 38.86, 1.0),  # never repeated: cannot have dropped out after a repeat
        (2, 38.86, 38.86, 1 / (1 + 0.793 / 3.426)),  # bought just now: only the dropout odds remain
    ],
)
def test_probability_alive(x, tx, T, alive):
    assert float(clv.probability_alive(MODEL, x, tx, T)) == pytest.approx(alive)


def test_a_customer_silent_for_long_is_probably_gone():
    recent, silent = clv.probability_alive(MODEL, [5, 5], [38, 5], [39, 39])
    assert recent > 0.85 and silent < 0.1


def test_expected_purchases_grow_with_time_and_start_at_zero():
    values = clv.expected_purchases(MODEL, np.array([0.0, 4, 13, 52]), 3, 30.0, 38.0)
    assert values[0] == pytest.approx(0.0) and np.all(np.diff(values) > 0)


@pytest.mark.parametrize(
    "x, m, expected",
    [
        (0, 0.0, 6.25 * 15.44 / 2.74),  # no repeats: the shop-wide mean p·γ/(q−1)
        (2, 50.0, 6.25 * (15.44 + 100) / (12.5 + 2.74)),  # own mean, shrunk toward the shop's
    ],
)
def test_expected_order_value(x, m, expected):
    assert float(clv.expected_order_value(GG, x, m)) == pytest.approx(expected)


def test_undiscounted_clv_is_purchases_times_value():
    value = clv.clv(MODEL, GG, 2, 30.43, 38.86, 22.35, months=12, annual_discount_rate=0.0)
    purchases = clv.expected_purchases(MODEL, 12 * clv.MONTH_WEEKS, 2, 30.43, 38.86)
    assert float(value) == pytest.approx(float(purchases * clv.expected_order_value(GG, 2, 22.35)))
    assert float(clv.clv(MODEL, GG, 2, 30.43, 38.86, 22.35, annual_discount_rate=0.10)) < float(
        value
    )


def test_gamma_gamma_needs_repeat_buyers():
    with pytest.raises(clv.FitError):
        clv.fit_gamma_gamma([0, 0], [0.0, 0.0])
    with pytest.raises(clv.FitError):
        clv.fit_bgnbd([], [], [])


def test_analytic_gradient_matches_finite_differences(cdnow_summary):
    from scipy.optimize import approx_fprime

    s = cdnow_summary
    (x, tx, tt), weights = clv._compress(s.frequency, s.recency, s.T, compress=False)
    levels = clv._levels(x, weights)
    params = np.array([0.3, 5.0, 0.9, 2.0])
    value, gradient = clv._bgnbd_value_and_gradient(params, x, tx, tt, weights, levels)
    assert value == pytest.approx(clv.bgnbd_log_likelihood(params, x, tx, tt, weights))
    numeric = approx_fprime(params, lambda p: clv.bgnbd_log_likelihood(p, x, tx, tt, weights), 1e-6)
    assert gradient == pytest.approx(numeric, rel=1e-4)
