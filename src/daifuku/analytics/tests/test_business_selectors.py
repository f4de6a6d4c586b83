"""Business figures read from real orders (both databases): each expected number is
worked out by hand from the world in ``business_world`` (returns deducted, a fully
returned order left out, two orders of one day one purchase)."""

from __future__ import annotations

import datetime as dt

import pytest

from daifuku.analytics.selectors import business, crosssell
from daifuku.core.errors import PermissionDenied

from . import business_world

pytestmark = pytest.mark.django_db
shop, world = business_world.shop, business_world.world  # fixtures
D = dt.date


def test_cohorts_retention_and_revenue_by_first_purchase_month(manager, world):
    rows = business.cohorts(manager, first="2026-01", last="2026-02")
    january, february = rows
    assert (january["cohort"], january["size"]) == ("2026-01", 2)
    # 青木 and 馬場 in January, 青木 alone in February and March, nobody since
    assert january["retention"][:5] == [1.0, 0.5, 0.5, 0.0, 0.0]
    assert january["revenue"][:4] == [2_916 + 1_296 + 1_100, 5_500, 3_240, 0]
    assert (february["cohort"], february["size"]) == ("2026-02", 2)
    assert february["retention"][:3] == [1.0, 0.0, 0.5]  # 大和商事 again in April
    assert february["revenue"][:3] == [2_916 + 22_000, 0, 22_000]
    # up to the current month only: January has as many months as have begun since
    from django.utils import timezone

    today = timezone.localdate()
    assert len(january["retention"]) == (today.year - 2026) * 12 + today.month
    assert business.cohorts(manager, first="2026-02", last="2026-02") == [february]


def test_second_purchase_within_n_days(manager, world):
    window = {"first_from": D(2026, 1, 1), "first_to": D(2026, 2, 28)}
    # 青木 came back after 26 days, 大和商事 after 59; 馬場's two orders are one day
    assert business.second_purchase(manager, within_days=30, **window) == {
        "first_buyers": 4,
        "converted": 1,
        "rate": 0.25,
    }
    assert business.second_purchase(manager, within_days=60, **window)["converted"] == 2
    assert business.second_purchase(
        manager, within_days=60, first_from=D(2026, 3, 1), first_to=D(2026, 3, 31)
    ) == {"first_buyers": 0, "converted": 0, "rate": None}


def test_repeat_and_churn_rates(manager, world):
    assert business.repeat_rate(manager, as_of=D(2026, 12, 1)) == {
        "as_of": D(2026, 12, 1),
        "buyers": 4,
        "repeat_buyers": 2,
        "rate": 0.5,
    }
    # as of 2026-01-31 only January counts: 青木 and 馬場, once each
    assert business.repeat_rate(manager, as_of=D(2026, 1, 31))["rate"] == 0.0
    # previous window 2025-12-02 … 2026-01-30: 青木, 馬場; 馬場 did not come back
    churn = business.churn_rate(manager, as_of=D(2026, 3, 31), window_days=60)
    assert (churn["previous_buyers"], churn["churned"], churn["rate"]) == (2, 1, 0.5)


def test_ltv_by_acquisition_channel_and_by_route(manager, world):
    by_source = {row["key"]: row for row in business.ltv_by(manager, by="acquisition")}
    assert by_source["store"]["ltv"] == 2_916 + 5_500 + 3_240
    assert by_source["store"]["purchases"] == 3
    assert by_source["store"]["group"] == "来店"  # the ledger's own label
    assert by_source["ec"]["ltv"] == 1_296 + 1_100
    # 千葉 (no source) and the company: AOV 46,916 / 3 × 1.5 purchases per buyer
    assert by_source[""]["buyers"] == 2
    assert by_source[""]["ltv"] == round(46_916 / 3 * 1.5)
    by_route = {row["group"]: row for row in business.ltv_by(manager, by="route")}
    assert by_route["店舗"]["buyers"] == 2 and by_route["店舗"]["purchases"] == 3
    assert by_route["店舗"]["ltv"] == round((2_916 + 5_500 + 2_916) / 2)
    assert by_route["EC"]["ltv"] == round((3_240 + 1_296 + 1_100) / 2)
    assert by_route["電話"]["ltv"] == 44_000
    first_route = {
        row["group"]: row["buyers"] for row in business.ltv_by(manager, by="first_route")
    }
    assert first_route == {"店舗": 2, "EC": 1, "電話": 1}


def test_revenue_by_route_and_by_product(manager, world):
    year = {"start": D(2026, 1, 1), "end": D(2026, 12, 31)}
    routes = {row["group"]: row for row in business.revenue_by(manager, by="route", **year)}
    assert routes["店舗"]["revenue"] == 2_916 + 5_500 + 2_916
    assert routes["店舗"]["orders"] == 3  # the returned order does not count
    assert routes["EC"]["revenue"] == 3_240 + 1_296 + 1_100
    assert routes["電話"] == {
        "key": routes["電話"]["key"],
        "group": "電話",
        "orders": 2,
        "revenue": 44_000,
        "revenue_before_tax": 40_000,
    }
    products = {row["code"]: row for row in business.revenue_by(manager, by="product", **year)}
    assert products["CHA-SENCHA"]["quantity"] == 2  # three sold, one returned
    assert products["CHA-SENCHA"]["revenue_before_tax"] == 3_000
    assert products["WAG-DAIFUKU"]["revenue_before_tax"] == 3_600
    assert products["CHA-GYOKURO"]["revenue_before_tax"] == 3_000
    january = business.revenue_by(manager, by="route", start=D(2026, 1, 1), end=D(2026, 1, 31))
    assert {row["group"]: row["revenue"] for row in january} == {
        "店舗": 2_916,
        "EC": 1_296 + 1_100,
    }


def test_retention_what_if(manager, world):
    what = business.retention_what_if(
        manager,
        previous=(D(2026, 1, 1), D(2026, 1, 31)),
        current=(D(2026, 2, 1), D(2026, 2, 28)),
        points=5,
    )
    assert what["previous"]["buyers"] == 2 and what["current"]["buyers"] == 3
    assert (what["retained"], what["retention"]) == (1, 0.5)  # 青木 of 青木, 馬場
    assert what["current"]["revenue"] == 5_500 + 2_916 + 22_000
    assert what["average_order_value"] == 5_500
    # 3 buyers × ¥5,500 × 1 purchase × 50 % → × 55 %
    assert (what["projected_revenue"], what["projected_revenue_with_points"]) == (8_250, 9_075)
    assert what["gain"] == 825


def test_upsell_paths_and_co_purchases(manager, world, shop):
    paths = crosssell.upsell_paths(manager)
    assert len(paths) == 1
    assert paths[0]["category"] == "CHA"
    assert paths[0]["from_product"]["code"] == "CHA-SENCHA"
    assert paths[0]["to_product"]["code"] == "CHA-GYOKURO"
    assert (paths[0]["customers"], paths[0]["median_days"]) == (1, 69)
    pairs = crosssell.top_pairs(manager)
    assert [(p["a"]["code"], p["b"]["code"], p["orders_together"]) for p in pairs] == [
        ("CHA-SENCHA", "WAG-DAIFUKU", 3)
    ]
    assert pairs[0]["lift"] == pytest.approx(3 * 4 / (3 * 3))


@pytest.mark.parametrize(
    "call",
    [
        lambda u: business.cohorts(u),
        lambda u: business.repeat_rate(u),
        lambda u: business.churn_rate(u),
        lambda u: business.ltv_by(u),
        lambda u: business.revenue_by(u, start=D(2026, 1, 1), end=D(2026, 1, 2)),
        lambda u: crosssell.upsell_paths(u),
        lambda u: crosssell.top_pairs(u),
    ],
)
def test_business_figures_are_for_managers_admins_and_marketers(call, rep, make_user, world):
    with pytest.raises(PermissionDenied):
        call(rep)
    with pytest.raises(PermissionDenied):
        call(make_user("support", "support"))
    call(make_user("marketer", "marketer"))
    call(make_user("boss", "admin"))


def test_no_orders_no_figures(manager):
    assert business.cohorts(manager) == []
    assert business.repeat_rate(manager)["rate"] is None
    assert business.ltv_by(manager, by="route") == []
    assert crosssell.upsell_paths(manager) == []
