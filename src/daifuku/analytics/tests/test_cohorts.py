"""Cohorts, conversion, repeat rate, LTV and the retention what-if — small cases by hand:
year ends, fiscal years, returns netted, a customer with one order."""

import datetime as dt

import numpy as np
import pytest

from daifuku.analytics.maths import cohorts, periods

NAN = float("nan")

SHOP = [
    ("A", "2024-11-15", 100),
    ("A", "2024-12-03", 50),
    ("A", "2025-01-20", 70),
    ("B", "2024-11-30", 200),
    ("B", "2025-02-01", -50),  # one order, partly returned in February
    ("C", "2024-12-10", 300),
    ("C", "2024-12-20", -300),  # only order fully returned: not a buyer
    ("D", "2024-12-31", 80),
    ("D", "2025-01-01", 20),  # across the year end
    ("E", "2025-02-14", 60),  # one order
]


def columns(rows):
    customers, dates, amounts = zip(*rows, strict=True)
    return list(customers), np.array(dates, dtype="datetime64[D]"), list(amounts)


def same(a, b):
    return np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True)


def test_monthly_cohorts_across_the_year_end():
    result = cohorts.cohorts(*columns(SHOP))
    assert result.labels == ["2024-11", "2024-12", "2025-02"]
    assert result.sizes.tolist() == [2, 1, 1]
    assert result.active.tolist() == [[2, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]]
    assert same(result.retention, [[1, 0.5, 0.5, 0], [1, 1, 0, NAN], [1, NAN, NAN, NAN]])
    # the return lowers the revenue of the month it happens in
    assert result.revenue.tolist() == [[300, 50, 70, -50], [80, 20, 0, 0], [60, 0, 0, 0]]


def test_fiscal_year_cohorts_start_in_april():
    rows = [("F", "2025-03-31", 10), ("F", "2025-04-01", 15), ("G", "2025-04-02", 40)]
    result = cohorts.cohorts(*columns(rows), period="fiscal_year")
    assert result.labels == ["FY2024", "FY2025"]
    assert result.active.tolist() == [[1, 1], [1, 0]]
    assert same(result.retention, [[1, 1], [1, NAN]])
    assert result.revenue.tolist() == [[10, 15], [40, 0]]


def test_no_buyers_gives_empty_cohorts():
    result = cohorts.cohorts(*columns([("C", "2024-12-10", 300), ("C", "2024-12-20", -300)]))
    assert result.labels == [] and result.sizes.size == 0


@pytest.mark.parametrize(
    "first_from, first_to, within, base, count",
    [
        (
            "2024-11-01",
            "2024-12-31",
            30,
            3,
            2,
        ),  # A after 18 days, D after 1 day; B never; C no buyer
        ("2024-11-01", "2024-12-31", 10, 3, 1),  # only D
        ("2024-11-01", "2024-12-31", 18, 3, 2),  # "within 18 days" includes day 18
        ("2024-12-01", "2024-12-31", 30, 1, 1),  # window of first purchases: D only
        ("2025-03-01", "2025-03-31", 30, 0, 0),  # nobody started then
    ],
)
def test_second_purchase_conversion(first_from, first_to, within, base, count):
    rate = cohorts.second_purchase_conversion(
        *columns(SHOP), first_from=first_from, first_to=first_to, within_days=within
    )
    assert (rate.base, rate.count) == (base, count)
    assert rate.rate == (count / base if base else None)


def test_conversion_without_buyers():
    rate = cohorts.second_purchase_conversion(
        *columns([("C", "2024-12-10", 300), ("C", "2024-12-10", -300)]),
        first_from="2024-01-01",
        first_to="2024-12-31",
        within_days=30,
    )
    assert (rate.base, rate.count, rate.rate) == (0, 0, None)


def test_repeat_rate_counts_buyers_only():
    rate = cohorts.repeat_rate(*columns(SHOP))
    assert (rate.base, rate.count, rate.rate) == (4, 2, 0.5)  # A and D of A, B, D, E


def test_ltv_by_group_is_aov_times_purchases():
    groups = {"A": "web", "B": "web", "C": "web", "D": "shop"}
    result = {
        g.group: (
            g.buyers,
            g.purchases,
            g.revenue,
            g.average_order_value,
            g.purchases_per_buyer,
            g.ltv,
        )
        for g in cohorts.ltv_by_group(*columns(SHOP), groups)
    }
    assert result == {
        "": (1, 1, 60.0, 60.0, 1.0, 60.0),
        "shop": (1, 2, 100.0, 50.0, 2.0, 100.0),
        "web": (2, 4, 370.0, 92.5, 2.0, 185.0),  # C (fully returned) is not counted
    }


def test_retention_what_if_with_the_shops_own_figures():
    rows = [
        ("P", "2023-05-01", 100),
        ("P", "2024-06-01", 200),
        ("P", "2024-07-01", 100),
        ("Q", "2023-06-01", 50),
        ("R", "2023-07-01", 80),
        ("R", "2024-08-01", 150),
        ("R", "2024-08-20", -50),
        ("S", "2024-09-01", 400),
    ]
    result = cohorts.retention_what_if(
        *columns(rows),
        previous=periods.fiscal_year_bounds(2023),
        current=periods.fiscal_year_bounds(2024),
        points=5,
    )
    assert (result.previous_buyers, result.retained, result.current_buyers) == (3, 2, 3)
    assert result.retention == pytest.approx(2 / 3)
    assert result.current_revenue == 800
    assert result.average_order_value == pytest.approx(400 / 3)
    assert result.purchases_per_retained == 1.5
    assert result.revenue_per_retained == pytest.approx(200)
    assert result.projected == pytest.approx(400)  # 3 buyers × 2/3 × 200
    assert result.projected_with_points == pytest.approx(430)  # 3 × (2/3 + 0.05) × 200
    assert result.gain == pytest.approx(30)
    assert result.gain_share_of_current_revenue == pytest.approx(30 / 800)


@pytest.mark.parametrize(
    "year, start_month, bounds",
    [
        (2025, 4, (dt.date(2025, 4, 1), dt.date(2026, 3, 31))),
        (2025, 1, (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
        (2023, 3, (dt.date(2023, 3, 1), dt.date(2024, 2, 29))),  # leap year end
    ],
)
def test_fiscal_year_bounds(year, start_month, bounds):
    assert periods.fiscal_year_bounds(year, start_month) == bounds


@pytest.mark.parametrize(
    "day, start_month, year",
    [
        ("2025-03-31", 4, 2024),
        ("2025-04-01", 4, 2025),
        ("2025-12-31", 4, 2025),
        ("2026-01-01", 4, 2025),
        ("2025-12-31", 1, 2025),
        ("1969-12-31", 4, 1969),
    ],
)
def test_fiscal_years(day, start_month, year):
    assert periods.fiscal_years(np.array([day], dtype="datetime64[D]"), start_month).tolist() == [
        year
    ]


def test_month_labels_and_unknown_period():
    assert (
        periods.period_label(
            int(periods.month_index(np.array(["2025-01-20"], dtype="datetime64[D]"))[0]), "month"
        )
        == "2025-01"
    )
    with pytest.raises(ValueError):
        periods.period_index(np.array(["2025-01-01"], dtype="datetime64[D]"), "week")


def test_no_transactions_at_all():
    nothing = ([], np.array([], dtype="datetime64[D]"), [])
    assert cohorts.cohorts(*nothing).labels == []
    assert cohorts.repeat_rate(*nothing) == cohorts.Rate(0, 0, None)
    assert cohorts.ltv_by_group(*nothing, {}) == []
    assert (
        cohorts.second_purchase_conversion(
            *nothing, first_from="2024-01-01", first_to="2024-12-31", within_days=30
        ).base
        == 0
    )
    what_if = cohorts.retention_what_if(
        *nothing,
        previous=periods.fiscal_year_bounds(2023),
        current=periods.fiscal_year_bounds(2024),
    )
    assert (
        what_if.previous_buyers,
        what_if.retention,
        what_if.gain,
        what_if.gain_share_of_current_revenue,
    ) == (0, 0.0, 0.0, None)
