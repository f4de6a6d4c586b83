"""Consumption tax: once per rate per document, rounded down; returns reverse exactly."""

from daifuku.commerce.maths import tax


def test_tax_is_per_rate_on_the_sum_rounded_down_once():
    summary = tax.compute_by_rate([(1_001, 8), (1_001, 8), (2_999, 10), (5, 10)])
    # 8 %: 2,002 × 0.08 = 160.16 → 160 (per line it would be 80 + 80); 10 %: 3,004 → 300
    assert [(r.rate, r.taxable, r.tax) for r in summary.per_rate] == [
        (10, 3_004, 300),
        (8, 2_002, 160),
    ]
    assert (summary.subtotal, summary.tax, summary.total) == (5_006, 460, 5_466)


def test_tax_inclusive_total():
    assert (tax.from_inclusive(12_100, 10).subtotal, tax.from_inclusive(12_100, 10).tax) == (
        11_000,
        1_100,
    )
    assert tax.from_inclusive(1_000, 8).tax == 74  # 1,000 × 8 / 108 = 74.07 → 74


def test_reversal_leaves_the_tax_of_what_remains():
    # bought 1,001 + 999 at 10 % → tax 200; returning the 1,001 leaves 999 → tax 99
    summary = tax.reversal({10: (2_000, 200)}, {10: 1_001})
    assert (summary.subtotal, summary.tax, summary.total) == (-1_001, -101, -1_102)
    assert 200 + summary.tax == tax.tax_on(999, 10)
    whole = tax.reversal({10: (2_000, 200), 8: (100, 8)}, {10: 2_000, 8: 100})
    assert (whole.subtotal, whole.tax) == (-2_100, -208)


def test_the_example_of_docs_commerce_md():
    summary = tax.compute_by_rate([(2 * 1_001, 8), (3 * 2_999, 10)])
    assert (summary.subtotal, summary.tax, summary.total) == (10_999, 1_059, 12_058)
