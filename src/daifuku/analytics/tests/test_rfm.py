"""RFM scores: quintiles with ties never split, administrator thresholds, netting of returns."""

import numpy as np
import pytest

from daifuku.analytics.maths import rfm


@pytest.mark.parametrize(
    "values, higher_is_better, expected",
    [
        ([], True, []),
        ([7], True, [1]),  # one customer: nobody is worse
        (list(range(1, 11)), True, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
        (list(range(1, 11)), False, [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]),  # recency: fewer days = 5
        ([3, 1, 2, 5, 4], True, [3, 1, 2, 5, 4]),  # order of input does not matter
        # ties never split: six customers with one purchase share a score; 2 has 6 worse of 10 → 4
        ([1, 1, 1, 1, 1, 1, 2, 2, 3, 9], True, [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]),
        # everyone equal: everyone gets 1 (nobody is worse)
        ([4, 4, 4], True, [1, 1, 1]),
        ([4, 4, 4], False, [1, 1, 1]),
        # recency ties: 0 days has 4 worse of 6 → 1 + ⌊20/6⌋ = 4; 10 → 3; 20 has 1 worse → 1
        ([0, 0, 10, 20, 20, 30], False, [4, 4, 3, 1, 1, 1]),
        ([0.5, 0.25, 0.5], True, [2, 1, 2]),  # floats: 1 worse of 3 → 2
    ],
)
def test_quintile_scores(values, higher_is_better, expected):
    assert (
        rfm.quintile_scores(np.array(values), higher_is_better=higher_is_better).tolist()
        == expected
    )
    if values:
        assert rfm.quintile_scores_python(values, higher_is_better=higher_is_better) == expected


def test_vectorised_and_plain_python_agree_on_many_ties():
    values = np.random.default_rng(3).integers(0, 30, 5000)
    assert rfm.quintile_scores(values).tolist() == rfm.quintile_scores_python(values.tolist())
    assert rfm.quintile_scores(
        values, higher_is_better=False
    ).tolist() == rfm.quintile_scores_python(values.tolist(), higher_is_better=False)


@pytest.mark.parametrize(
    "values, cuts, higher_is_better, expected",
    [
        ([1, 2, 3, 4, 5, 9, 10, 50], [2, 3, 5, 10], True, [1, 2, 3, 3, 4, 4, 5, 5]),
        ([0, 30, 31, 90, 91, 180, 365, 366], [30, 90, 180, 365], False, [5, 5, 4, 4, 3, 3, 2, 1]),
    ],
)
def test_threshold_scores(values, cuts, higher_is_better, expected):
    assert (
        rfm.threshold_scores(values, cuts, higher_is_better=higher_is_better).tolist() == expected
    )


@pytest.mark.parametrize("cuts", [[1, 2, 3], [1, 2, 2, 3], [5, 4, 3, 2]])
def test_thresholds_must_be_four_ascending_values(cuts):
    with pytest.raises(ValueError):
        rfm.threshold_scores([1], cuts)


ROWS = [
    # a: two purchase days (two orders on the 1st count once), last on 2024-03-01
    ("a", "2024-01-01", 1000),
    ("a", "2024-01-01", 500),
    ("a", "2024-03-01", 2000),
    # b: one order fully returned → not a buyer
    ("b", "2024-02-01", 3000),
    ("b", "2024-02-10", -3000),
    # c: bought twice, returned part of the second → still 2 purchases, net 1500
    ("c", "2024-02-01", 1000),
    ("c", "2024-03-10", 800),
    ("c", "2024-03-15", -300),
    # d: an order and its return on the same day → no purchase that day
    ("d", "2024-01-05", 700),
    ("d", "2024-03-20", 400),
    ("d", "2024-03-20", -400),
    # e: after as_of → ignored
    ("e", "2024-04-01", 100),
]


def test_rfm_values_net_returns():
    customers, dates, amounts = zip(*ROWS, strict=True)
    values = rfm.rfm_values(customers, dates, amounts, as_of="2024-03-31")
    got = {
        c: (int(r), int(f), float(m))
        for c, r, f, m in zip(
            values.customers, values.recency_days, values.frequency, values.monetary, strict=True
        )
    }
    assert got == {"a": (30, 2, 3500.0), "c": (21, 2, 1500.0), "d": (86, 1, 700.0)}


def test_rfm_values_of_nothing():
    values = rfm.rfm_values([], np.array([], dtype="datetime64[D]"), [], as_of="2024-03-31")
    assert values.customers.size == 0 and rfm.rfm_scores(values)[0].size == 0


def test_rfm_scores_quintiles_and_thresholds():
    values = rfm.RFMValues(
        np.array([1, 2, 3]),
        np.array([30, 21, 86]),
        np.array([2, 2, 1]),
        np.array([3500.0, 1500.0, 700.0]),
    )
    r, f, m = rfm.rfm_scores(values)
    assert (r.tolist(), f.tolist(), m.tolist()) == ([2, 4, 1], [2, 2, 1], [4, 2, 1])
    limits = rfm.Thresholds(
        recency_days=(7, 30, 60, 90), frequency=(2, 3, 4, 5), monetary=(1000, 2000, 3000, 5000)
    )
    r, f, m = rfm.rfm_scores(values, limits)
    assert (r.tolist(), f.tolist(), m.tolist()) == ([4, 4, 2], [2, 2, 1], [4, 2, 1])
