"""Co-purchase pairs (support, confidence, lift) and recommendations, by hand."""

import pytest

from daifuku.analytics.maths import copurchase

# 5 orders: bread+butter ×3 (one with jam), butter alone, tea alone; one duplicated row
ROWS = [
    (1, "bread"),
    (1, "butter"),
    (2, "bread"),
    (2, "butter"),
    (2, "jam"),
    (2, "butter"),  # butter twice in one order counts once
    (3, "bread"),
    (3, "butter"),
    (3, "jam"),
    (4, "butter"),
    (5, "tea"),
]


def stats(min_together=2):
    orders, products = zip(*ROWS, strict=True)
    return copurchase.co_purchases(orders, products, min_together=min_together)


def test_pair_statistics():
    result = stats()
    assert result.orders == 5
    assert result.popularity == {"bread": 3, "butter": 4, "jam": 2, "tea": 1}
    got = [
        (p.a, p.b, p.together, p.support, p.confidence_ab, p.confidence_ba, p.lift)
        for p in result.pairs
    ]
    assert got == [
        # bread & jam: 2 × 5 / (3 × 2) = 1.667 (sorted first by lift)
        ("bread", "jam", 2, 0.4, pytest.approx(2 / 3), 1.0, pytest.approx(5 / 3)),
        # bread & butter: 3 × 5 / (3 × 4) = 1.25, tied on lift with butter & jam: more orders first
        ("bread", "butter", 3, 0.6, 1.0, 0.75, pytest.approx(1.25)),
        ("butter", "jam", 2, 0.4, 0.5, 1.0, pytest.approx(1.25)),
    ]


def test_lift_ties_are_ordered_by_orders_together():
    result = stats()
    assert [(p.a, p.b) for p in result.pairs] == [
        ("bread", "jam"),
        ("bread", "butter"),
        ("butter", "jam"),
    ]


def test_min_together_drops_chance_pairs():
    assert len(stats(min_together=1).pairs) == 3
    assert [(p.a, p.b) for p in stats(min_together=3).pairs] == [("bread", "butter")]


def test_no_orders():
    assert copurchase.co_purchases([], []) == copurchase.CoPurchase(0, {}, [])


@pytest.mark.parametrize(
    "owned, limit, expected",
    [
        # bread → butter (confidence 1.0, lift 1.25) before jam (0.667)
        ({"bread"}, 2, ["butter", "jam"]),
        # owns bread and butter: jam scores 2/3 + 1/2; then the popularity fallback (tea)
        ({"bread", "butter"}, 3, ["jam", "tea"]),
        # nothing bought together with tea: most popular products not owned
        ({"tea"}, 2, ["butter", "bread"]),
        # a new customer: popularity only
        (set(), 3, ["butter", "bread", "jam"]),
        # owns everything: nothing to suggest
        ({"bread", "butter", "jam", "tea"}, 3, []),
    ],
)
def test_recommendations_exclude_owned_and_fall_back_to_popularity(owned, limit, expected):
    assert copurchase.recommend(owned, stats(), limit=limit) == expected
