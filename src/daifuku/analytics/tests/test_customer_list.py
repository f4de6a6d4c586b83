"""Rank, RFM, LTV and predicted CLV as filters and sort keys of the people list, and as
columns and filters of its export (analytics registers them into customers)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from daifuku.analytics.models import CustomerMetrics, RankRule


@pytest.fixture
def shop(rep, buy):
    from daifuku.customers.services import create_person

    def person(name: str, kana: str):
        return create_person(actor=rep, data={"family_name": name, "family_kana": kana})

    people = {
        "gold": person("金田", "カネダ"),
        "silver": person("銀山", "ギンヤマ"),
        "bronze": person("銅谷", "ドウヤ"),
        "none": person("未購入", "ミコウニュウ"),
    }
    buy(people["gold"], 150_000, days_ago=3)
    buy(people["silver"], 5_000, days_ago=30)
    buy(people["silver"], 6_000, days_ago=20)
    buy(people["bronze"], 20_000, days_ago=200)
    from daifuku.analytics.services.metrics import rebuild

    rebuild()  # RFM quintiles of these three buyers
    CustomerMetrics.objects.filter(person=people["silver"]).update(predicted_clv=90_000)
    return people


def _list(user, **params) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("customers:people"), params)
    assert response.status_code == 200
    return response.content.decode()


def _order(html: str, people: dict) -> list[str]:
    names = {p.family_name: key for key, p in people.items()}
    positions = sorted((html.index(name), key) for name, key in names.items() if name in html)
    return [key for _position, key in positions]


def test_filter_by_rank_and_no_rank(rep, shop):
    gold = RankRule.objects.get(name="ゴールド")
    assert _order(_list(rep, rank=gold.pk), shop) == ["gold"]
    assert _order(_list(rep, rank="none"), shop) == ["none"]
    page = _list(rep)
    assert "ランク" in page and "ゴールド" in page  # the filter's select with its choices


def test_filter_by_rfm_ltv_buyer_type_and_clv(rep, shop):
    assert set(_order(_list(rep, ltv=100_000), shop)) == {"gold"}
    assert set(_order(_list(rep, ltv=10_000), shop)) == {"gold", "silver", "bronze"}
    assert set(_order(_list(rep, buyer="repeat"), shop)) == {"silver"}
    assert set(_order(_list(rep, clv=50_000), shop)) == {"silver"}
    bronze = CustomerMetrics.objects.get(person=shop["bronze"])
    found = set(_order(_list(rep, rfm_r=bronze.rfm_r), shop))
    assert "bronze" in found and "gold" not in found
    # a value no filter knows is ignored, as the built-in filters do
    assert len(_order(_list(rep, rank="x", rfm_r="9"), shop)) == 4
    assert len(_order(_list(rep, rank="9" * 13, ltv="9" * 13, clv="-1"), shop)) == 4


def test_sort_by_ltv_rank_and_predicted_clv_pages_by_keyset(rep, shop):
    assert _order(_list(rep, sort="-ltv"), shop) == ["gold", "bronze", "silver", "none"]
    assert _order(_list(rep, sort="-rank"), shop) == ["gold", "silver", "bronze", "none"]
    assert _order(_list(rep, sort="-clv"), shop)[0] == "silver"
    client = Client()
    client.force_login(rep)
    first = client.get(reverse("customers:people"), {"sort": "-ltv", "size": 25})
    assert first.status_code == 200
    from daifuku.customers import selectors
    from daifuku.customers.selectors import PersonFilters

    page = selectors.list_people(rep, PersonFilters(), sort="-ltv", size=2)
    assert [p.pk for p in page.items] == [shop["gold"].pk, shop["bronze"].pk]
    rest = selectors.list_people(rep, PersonFilters(), sort="-ltv", size=2, cursor=page.next_cursor)
    assert [p.pk for p in rest.items] == [shop["silver"].pk, shop["none"].pk]


def test_search_with_a_metrics_filter_and_sort(rep, shop):
    html = _list(rep, q="金田", sort="-ltv", rank=RankRule.objects.get(name="ゴールド").pk)
    assert _order(html, shop) == ["gold"]


def test_export_has_the_columns_and_follows_the_filters(rep, shop):
    client = Client()
    client.force_login(rep)
    gold = RankRule.objects.get(name="ゴールド")
    response = client.get(reverse("imports:export"), {"format": "csv", "rank": gold.pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = rows[0]
    assert {"ランク", "LTV", "RFM", "購入回数", "予測CLV"} <= set(header)
    assert len(rows) == 2 and rows[1][header.index("姓")] == "金田"
    assert (rows[1][header.index("ランク")], rows[1][header.index("LTV")]) == ("ゴールド", "150000")
    everyone = client.get(reverse("imports:export"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(everyone.streaming_content).decode())))
    by_name = {row[0]: row for row in rows[1:]}
    assert (
        by_name["未購入"][header.index("ランク")] == ""
        and by_name["銀山"][header.index("予測CLV")] == "90000"
    )
