"""The conditions on analytics' figures (rank, RFM, LTV, predicted CLV) and on web
behaviour (pages, products viewed, searches, within N days) against the ledger of
conftest.py, on SQLite and PostgreSQL alike.

The figures come from the snapshot that each order updated in its own transaction:
花子 bought twice (¥1,100 and ¥3,300; シルバー), 一郎 once (¥3,300; his second order was
cancelled; ブロンズ), 健太 never (no rank, no scores)."""

from __future__ import annotations

import datetime as dt

import pytest

from .test_conditions import members, one

pytestmark = pytest.mark.django_db

ALL = {"花子", "一郎", "健太"}

CASES = [
    (one("rank", "eq", "シルバー"), {"花子"}),
    (one("rank", "in", ["シルバー", "ブロンズ"]), {"花子", "一郎"}),
    (one("rank", "ne", "シルバー"), {"一郎", "健太"}),
    (one("rank", "not_in", ["シルバー", "ブロンズ"]), {"健太"}),
    (one("rank", "not_set"), {"健太"}),
    (one("rank", "is_set"), {"花子", "一郎"}),
    # ranks in their order (priority): シルバー above ブロンズ
    (one("rank", "gte", "シルバー"), {"花子"}),
    (one("rank", "gte", "ブロンズ"), {"花子", "一郎"}),
    (one("rank", "lte", "ブロンズ"), {"一郎"}),
    # quintiles of two buyers (the tie rule of analytics.maths.rfm): the better one gets 3
    (one("rfm_r", "eq", 3), {"花子"}),  # the most recent buyer
    (one("rfm_r", "lte", 2), {"一郎"}),
    (one("rfm_r", "ne", 3), {"一郎", "健太"}),  # no score is "not 3"
    (one("rfm_f", "eq", 3), {"花子"}),
    (one("rfm_f", "gte", 1), {"花子", "一郎"}),
    (one("rfm_m", "gte", 3), {"花子"}),
    (one("rfm_m", "lte", 2), {"一郎"}),
    (one("ltv", "gte", 4_000), {"花子"}),  # 2,200 × 2
    (one("ltv", "eq", 3_300), {"一郎"}),
    (one("ltv", "lte", 3_300), {"一郎", "健太"}),  # never bought: LTV 0
    (one("ltv", "eq", 0), {"健太"}),
    (one("ltv", "ne", 0), {"花子", "一郎"}),
    (one("predicted_clv", "gte", 10_000), {"花子"}),
    (one("predicted_clv", "lte", 10_000), {"一郎"}),
    (one("predicted_clv", "not_set"), {"健太"}),
    (one("predicted_clv", "ne", 5_000), {"花子", "健太"}),
    (one("visited_page", "contains", "/campaign/autumn"), {"花子", "一郎"}),
    (one("visited_page", "contains", "/CAMPAIGN/"), {"花子", "一郎"}),
    (one("visited_page", "contains", "/campaign/", period_days=7), {"花子"}),
    (one("visited_page", "contains", "/recruit"), set()),
    (one("viewed_product", "eq", "TEA"), {"一郎"}),
    (one("viewed_product", "in", ["TEA", "CUP"]), {"花子", "一郎"}),
    (one("viewed_product", "ne", "TEA"), {"花子", "健太"}),
    (one("viewed_product", "eq", "CUP", period_days=30), set()),
    (one("searched", "contains", "抹茶"), {"花子"}),
    (one("searched", "contains", "茶", period_days=3), {"花子"}),
    (one("searched", "contains", "茶"), {"花子", "一郎"}),
    # with other conditions
    (
        {
            "all": [
                {"field": "rank", "op": "is_set"},
                {
                    "any": [
                        {"field": "searched", "op": "contains", "value": "抹茶"},
                        {"field": "ltv", "op": "lte", "value": 3_300},
                    ]
                },
            ]
        },
        {"花子", "一郎"},
    ),
]


@pytest.fixture
def web(ledger, context):
    """Events as the collect endpoint stores them once the visitor is known: 花子 saw the
    autumn campaign 2 days ago, a cup 40 days ago and searched 抹茶 yesterday; 一郎 saw
    the campaign 20 days ago, tea and searched 煎茶 10 days ago; an anonymous visitor
    (never identified) did everything and counts for no one. 花子's predicted CLV is
    ¥12,000 and 一郎's ¥5,000, as the CLV job writes them."""
    from django.utils import timezone

    from daifuku.analytics.models import CustomerMetrics
    from daifuku.analytics.services.metrics import rebuild
    from daifuku.behaviour.models import Event

    rebuild(as_of=context.today)  # the nightly rebuild sets the RFM quintiles

    def at(days_ago: int):
        day = context.today - dt.timedelta(days=days_ago)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))

    rows = [
        ("hanako", "page_view", 2, {"url": "https://shop.example.jp/campaign/autumn?utm=mail"}),
        ("hanako", "product_view", 40, {"sku": "CUP"}),
        ("hanako", "search", 1, {"query": "抹茶 ギフト"}),
        ("ichiro", "page_view", 20, {"url": "https://shop.example.jp/campaign/autumn"}),
        ("ichiro", "product_view", 10, {"sku": "TEA"}),
        ("ichiro", "search", 10, {"query": "煎茶"}),
        (None, "page_view", 1, {"url": "https://shop.example.jp/recruit"}),
        (None, "product_view", 1, {"sku": "CUP"}),
    ]
    for i, (who, kind, days_ago, fields) in enumerate(rows):
        Event.objects.create(
            event_id=f"e{i}",
            visitor_id=f"v-{who}",
            kind=kind,
            occurred_at=at(days_ago),
            person=ledger[who] if who else None,
            **fields,
        )
    CustomerMetrics.objects.filter(person=ledger["hanako"]).update(
        predicted_clv=12_000, p_alive=0.9
    )
    CustomerMetrics.objects.filter(person=ledger["ichiro"]).update(predicted_clv=5_000, p_alive=0.4)
    return ledger


@pytest.mark.parametrize("rules, expected", CASES, ids=[str(i) for i in range(len(CASES))])
def test_each_condition_selects_its_people(rules, expected, web, context):
    assert members(rules, context) == expected


def test_the_snapshot_is_what_the_cases_assume(web):
    from daifuku.analytics.models import CustomerMetrics

    rows = {
        m.person.given_name: (m.rank.name if m.rank else None, m.ltv, m.rfm_r, m.rfm_f, m.rfm_m)
        for m in CustomerMetrics.objects.select_related("person", "rank")
    }
    assert rows["花子"] == ("シルバー", 4_400, 3, 3, 3)
    assert rows["一郎"] == ("ブロンズ", 3_300, 1, 1, 1)
    assert "健太" not in rows or rows["健太"][0] is None


def test_values_are_checked(web, context):
    from daifuku.core.errors import ValidationFailed
    from daifuku.marketing.conditions import parse

    for bad in (
        one("rank", "eq", "プラチナ"),  # no such rank
        one("rfm_r", "eq", 6),
        one("ltv", "gte", -1),
        one("visited_page", "eq", "/x"),  # pages take "contains" only
        one("searched", "contains", ""),
        one("rank", "eq", "シルバー", period_days=7),  # a rank takes no period
    ):
        with pytest.raises(ValidationFailed):
            parse(bad)


def test_the_api_builds_a_segment_on_rank_and_behaviour(web, admin_api):
    created = admin_api.post(
        "/api/v1/segments",
        {
            "name": "シルバーで秋の特集を見た人",
            "rules": {
                "all": [
                    {"field": "rank", "op": "eq", "value": "シルバー"},
                    {"field": "visited_page", "op": "contains", "value": "campaign"},
                ]
            },
        },
    )
    assert created.status_code in (200, 201), created.content
    count = admin_api.get(f"/api/v1/segments/{created.json()['id']}/count")
    assert count.status_code == 200
    assert count.json()["count"] == 1
