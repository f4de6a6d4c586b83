"""Table-driven maths of the per-customer figures and of the RFM cut points (no database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from daifuku.analytics.maths import metrics, rfm, scales

DAY = 86_400
JST = 9 * 3600


def at(day: int, hour: int = 12) -> int:
    """Epoch seconds of ``hour`` o'clock (Japan) on day number ``day``."""
    return day * DAY + hour * 3600 - JST


@pytest.mark.parametrize(
    "orders, as_of, expected",
    [
        # one order: first-time buyer, no second purchase
        ([(1, at(100), 5_000)], 130, {1: (1, 5_000, 5_000, 5_000, 30, -1)}),
        # a fully returned order is no purchase; a partly returned one counts its net
        ([(1, at(100), 0), (1, at(110), 3_000)], 110, {1: (1, 3_000, 3_000, 3_000, 0, -1)}),
        # AOV rounds down; LTV = AOV × count (not the total)
        (
            [(1, at(1), 1_000), (1, at(3), 1_001), (1, at(7), 1_000)],
            10,
            {1: (3, 3_001, 1_000, 3_000, 3, 2)},
        ),
        # two orders the same day are two purchases; days to second = 0
        ([(2, at(5, 9), 100), (2, at(5, 20), 100)], 5, {2: (2, 200, 100, 200, 0, 0)}),
        # 23:30 and 00:30 Japan time are different days even within one UTC day
        ([(3, at(5, 23) + 1800, 100), (3, at(6, 0) + 1800, 100)], 6, {3: (2, 200, 100, 200, 0, 1)}),
        # a customer with only returned orders is left out
        ([(4, at(1), 0)], 5, {}),
    ],
)
def test_figures(orders, as_of, expected):
    customers, seconds, amounts = zip(*orders, strict=True)
    fig = metrics.figures(customers, seconds, amounts, as_of_day=as_of, utc_offset_seconds=JST)
    got = {
        int(c): (
            int(fig.order_count[i]),
            int(fig.total[i]),
            int(fig.average_order_value[i]),
            int(fig.ltv[i]),
            int(fig.recency_days[i]),
            int(fig.days_to_second[i]),
        )
        for i, c in enumerate(fig.customers)
    }
    assert got == expected


@pytest.mark.parametrize(
    "count, first, last, recency, risk",
    [
        (0, 0, 0, 0, metrics.RISK_NONE),
        (1, 0, 0, 180, metrics.RISK_LOW),  # one-time buyer: usual gap 90 days
        (1, 0, 0, 181, metrics.RISK_MEDIUM),
        (1, 0, 0, 361, metrics.RISK_HIGH),
        (3, 0, 200, 200, metrics.RISK_LOW),  # gap 100: up to 200 low
        (3, 0, 200, 201, metrics.RISK_MEDIUM),
        (3, 0, 200, 401, metrics.RISK_HIGH),
        (5, 0, 8, 60, metrics.RISK_LOW),  # gap at least 30 days
        (5, 0, 8, 61, metrics.RISK_MEDIUM),
    ],
)
def test_churn_risk(count, first, last, recency, risk):
    assert metrics.churn_risk([count], [first], [last], [recency]).tolist() == [risk]


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (dt.date(2026, 12, 7), 12, dt.date(2025, 12, 7)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 1, 15), 3, dt.date(2025, 10, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert metrics.months_before(day, months) == expected


def test_ranks_highest_priority_wins_and_only_buyers_hold_one():
    rules = [
        metrics.Rule(pk=1, min_purchases=1, min_amount=0, period_months=0, priority=10),
        metrics.Rule(pk=2, min_purchases=2, min_amount=0, period_months=0, priority=20),
        metrics.Rule(pk=3, min_purchases=0, min_amount=100_000, period_months=12, priority=30),
    ]
    windows = {
        0: (np.array([0, 1, 2, 1]), np.array([0, 5_000, 9_000, 200_000])),
        12: (np.array([0, 1, 0, 1]), np.array([0, 5_000, 0, 200_000])),
    }
    assert metrics.ranks(rules, windows, 4).tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize(
    "values, higher, cuts",
    [
        ([1, 1, 1, 1, 1], True, [None, None, None, None]),  # all tied: all score 1
        ([1, 2, 3, 4, 5], True, [2, 3, 4, 5]),
        ([10, 20, 30, 40, 50], False, [10, 20, 30, 40]),  # recency: 5 up to 10 days
        ([1, 1, 1, 2, 3], True, [2, 2, 2, 3]),  # 2 is above 3 of 5: score 4
    ],
)
def test_cut_points(values, higher, cuts):
    assert scales.cut_points(values, higher_is_better=higher) == cuts


def test_cut_points_reproduce_the_quintile_rule_with_ties():
    rng = np.random.default_rng(19)
    for _ in range(200):
        values = rng.integers(0, rng.integers(1, 15), rng.integers(1, 80))
        for higher in (True, False):
            cuts = scales.cut_points(values, higher_is_better=higher)
            assert (
                scales.score(values, cuts, higher_is_better=higher)
                == rfm.quintile_scores(values, higher_is_better=higher)
            ).all()


def test_administrator_thresholds_score_as_the_maths_module():
    days = np.array([0, 30, 31, 90, 91, 365, 366])
    assert (
        scales.score(days, [30, 90, 180, 365], higher_is_better=False).tolist()
        == rfm.threshold_scores(days, [30, 90, 180, 365], higher_is_better=False).tolist()
    )
