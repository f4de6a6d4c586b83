"""Forecast, funnel, tax and period maths — table-driven, no database."""

import datetime as dt

import pytest

from daifuku.sales.maths import forecast, funnel, periods, tax

D = dt.date


@pytest.mark.parametrize(
    "key, start_month, kind, start, end",
    [
        ("2026-05", 4, "month", D(2026, 5, 1), D(2026, 5, 31)),
        ("2024-02", 4, "month", D(2024, 2, 1), D(2024, 2, 29)),
        ("2026-12", 4, "month", D(2026, 12, 1), D(2026, 12, 31)),
        ("2026-Q1", 4, "quarter", D(2026, 4, 1), D(2026, 6, 30)),
        ("2026-Q4", 4, "quarter", D(2027, 1, 1), D(2027, 3, 31)),
        ("2026-Q1", 1, "quarter", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-Q3", 10, "quarter", D(2027, 4, 1), D(2027, 6, 30)),
        ("FY2026", 4, "year", D(2026, 4, 1), D(2027, 3, 31)),
        ("FY2026", 1, "year", D(2026, 1, 1), D(2026, 12, 31)),
        ("FY2025", 7, "year", D(2025, 7, 1), D(2026, 6, 30)),
    ],
)
def test_parse_period(key, start_month, kind, start, end):
    period = periods.parse_period(key, start_month)
    assert (period.kind, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize(
    "key", ["", "2026", "2026-13", "2026-00", "2026-Q5", "FY26", "26-05", "2026-5", "x"]
)
def test_invalid_periods(key):
    with pytest.raises(periods.PeriodError):
        periods.parse_period(key)


@pytest.mark.parametrize(
    "day, kind, start_month, expected",
    [
        (D(2026, 3, 31), "year", 4, "FY2025"),
        (D(2026, 4, 1), "year", 4, "FY2026"),
        (D(2026, 4, 1), "quarter", 4, "2026-Q1"),
        (D(2027, 2, 10), "quarter", 4, "2026-Q4"),
        (D(2026, 8, 15), "month", 4, "2026-08"),
        (D(2026, 8, 15), "quarter", 1, "2026-Q3"),
    ],
)
def test_period_containing(day, kind, start_month, expected):
    assert periods.period_containing(day, kind, start_month).key == expected


def test_months_of_a_fiscal_year():
    months = periods.months_of(periods.parse_period("FY2026", 4))
    assert [m.key for m in months][:2] == ["2026-04", "2026-05"]
    assert months[-1].key == "2027-03" and len(months) == 12


@pytest.mark.parametrize(
    "deals, unweighted, weighted, by_category",
    [
        ([], 0, 0, {}),
        ([(1_000_000, 40, "pipeline")], 1_000_000, 400_000, {"pipeline": 1_000_000}),
        # 333 × 50% = 166.5 → 167 (half up)
        ([(333, 50, "commit")], 333, 167, {"commit": 333}),
        # rounded once on the exact sum: 0.5 + 0.5 = 1 yen, not 1 + 1
        ([(1, 50, "pipeline"), (1, 50, "pipeline")], 2, 1, {"pipeline": 2}),
        # 3 × 33% = 0.99 each; exact sum 2.97 → 3
        ([(3, 33, "a"), (3, 33, "a"), (3, 33, "b")], 9, 3, {"a": 6, "b": 3}),
        (
            [(999, 0, "pipeline"), (1000, 100, "commit")],
            1999,
            1000,
            {"pipeline": 999, "commit": 1000},
        ),
        ([(149, 1, "best_case")], 149, 1, {"best_case": 149}),  # 1.49 → 1
        ([(150, 1, "best_case")], 150, 2, {"best_case": 150}),  # 1.50 → 2
    ],
)
def test_forecast_totals(deals, unweighted, weighted, by_category):
    totals = forecast.totals_from_deals(deals)
    assert (totals.unweighted, totals.weighted, totals.by_category, totals.deals) == (
        unweighted,
        weighted,
        by_category,
        len(deals),
    )
    sums: dict = {}
    for amount, probability, category in deals:
        row = sums.setdefault(category, [category, 0, 0, 0])
        row[1] += 1
        row[2] += amount
        row[3] += amount * probability
    assert forecast.totals_from_sums(sums.values()).as_dict() == totals.as_dict()


@pytest.mark.parametrize(
    "target, actual, open_weighted, percent, forecast_percent, gap",
    [
        (1_000_000, 250_000, 500_000, 25.0, 75.0, 750_000),
        (1_000_000, 1_200_000, 0, 120.0, 120.0, 0),
        (0, 10, 10, None, None, 0),
        (3, 1, 1, 33.3, 66.7, 2),
    ],
)
def test_attainment(target, actual, open_weighted, percent, forecast_percent, gap):
    result = forecast.attainment(target=target, actual=actual, open_weighted=open_weighted)
    assert (result.percent, result.forecast_percent, result.gap, result.forecast) == (
        percent,
        forecast_percent,
        gap,
        actual + open_weighted,
    )


@pytest.mark.parametrize(
    "lines, per_rate, subtotal, total_tax",
    [
        ([], [], 0, 0),
        ([(1000, "standard")], [(10, 1000, 100)], 1000, 100),
        ([(999, "standard")], [(10, 999, 99)], 999, 99),  # 99.9 → 99 (切り捨て)
        ([(1080, "reduced")], [(8, 1080, 86)], 1080, 86),  # 86.4 → 86
        # per rate on the document total, not per line: 3 × floor(9.9) would be 27
        ([(99, "standard"), (99, "standard"), (99, "standard")], [(10, 297, 29)], 297, 29),
        (
            [(12_345, "standard"), (6_789, "reduced"), (1_111, "reduced")],
            [(10, 12_345, 1_234), (8, 7_900, 632)],
            20_245,
            1_866,
        ),
    ],
)
def test_consumption_tax(lines, per_rate, subtotal, total_tax):
    summary = tax.compute(lines)
    assert [(r.rate, r.taxable, r.tax) for r in summary.per_rate] == per_rate
    assert (summary.subtotal, summary.tax, summary.total) == (
        subtotal,
        total_tax,
        subtotal + total_tax,
    )


STAGES = [(1, "見込み"), (2, "提案"), (3, "交渉")]
WON, LOST = 9, 10
DAY = 86400


@pytest.mark.parametrize(
    "flows, expected_rows, won, lost, worst, slowest",
    [
        ([], [(0, 0, 0, None, None)] * 3, 0, 0, None, None),
        (
            [
                (0, 1, 10, 0),
                (1, 2, 6, 6 * 2 * DAY),
                (1, LOST, 4, 4 * DAY),
                (2, 3, 3, 3 * 10 * DAY),
                (2, LOST, 3, 3 * 5 * DAY),
                (3, WON, 2, 2 * DAY),
                (3, LOST, 1, DAY),
            ],
            [(10, 10, 6, 60.0, 1.6), (6, 6, 3, 50.0, 7.5), (3, 3, 2, 66.7, 1.0)],
            2,
            8,
            2,
            2,
        ),
        (  # moving backwards is not progress; skipping a stage is
            [(0, 1, 4, 0), (1, 3, 2, 2 * DAY), (1, 2, 2, 6 * DAY), (3, 2, 1, 20 * DAY)],
            [(4, 4, 4, 100.0, 2.0), (3, 0, 0, None, None), (2, 1, 0, 0.0, 20.0)],
            0,
            0,
            3,
            3,
        ),
        (  # ties: the earlier stage is the bottleneck
            [(1, 2, 1, DAY), (1, LOST, 1, DAY), (2, 3, 1, DAY), (2, LOST, 1, DAY)],
            [(0, 2, 1, 50.0, 1.0), (1, 2, 1, 50.0, 1.0), (1, 0, 0, None, None)],
            0,
            2,
            1,
            1,
        ),
    ],
)
def test_funnel(flows, expected_rows, won, lost, worst, slowest):
    result = funnel.compute(STAGES, [WON], [LOST], flows)
    assert [
        (r.entered, r.exited, r.advanced, r.conversion_percent, r.average_days) for r in result.rows
    ] == expected_rows
    assert (result.won, result.lost, result.worst_drop_stage_id, result.longest_wait_stage_id) == (
        won,
        lost,
        worst,
        slowest,
    )


def test_win_rate():
    result = funnel.compute(STAGES, [WON], [LOST], [(3, WON, 3, 0), (3, LOST, 1, 0)])
    assert result.win_rate_percent == 75.0
    assert funnel.compute(STAGES, [WON], [LOST], []).win_rate_percent is None
