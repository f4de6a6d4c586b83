"""The person page's 顧客価値 panel and the rank rules page (administrators change it)."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from daifuku.analytics.models import CustomerMetrics, RankRule


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_person_page_shows_rank_ltv_and_rfm(rep, person, buy):
    buy(person, 4_000, days_ago=30)
    buy(person, 6_001, days_ago=5)
    response = _client(rep).get(reverse("customers:person", args=[person.pk]))
    text = _text(response.content.decode())
    assert "顧客価値" in text and "シルバー" in text
    assert "¥10,000" in text and "2回 × ¥5,000" in text  # LTV = AOV × purchases
    row = CustomerMetrics.objects.get(person=person)
    assert f"R{row.rfm_r} F{row.rfm_f} M{row.rfm_m}" in text
    assert "5日前" in text and "リピーター" in text
    assert "ランクの変化" in text and "ブロンズ → シルバー （注文）" in text


def test_person_without_purchases_has_no_panel(rep, person):
    response = _client(rep).get(reverse("customers:person", args=[person.pk]))
    assert "顧客価値" not in response.content.decode()


def test_everyone_sees_the_ranks_only_administrators_change_them(rep, admin):
    url = reverse("analytics:rank-rules")
    page = _client(rep).get(url)
    assert page.status_code == 200 and "ゴールド" in page.content.decode()
    assert "新しいランク" not in page.content.decode()
    assert _client(rep).post(url, {"name": "プラチナ"}).status_code == 403
    gold = RankRule.objects.get(name="ゴールド")
    assert (
        _client(rep)
        .post(reverse("analytics:rank-rule-update", args=[gold.pk]), {f"r{gold.pk}-name": "x"})
        .status_code
        == 403
    )
    assert (
        _client(rep).post(reverse("analytics:rank-rule-delete", args=[gold.pk])).status_code == 403
    )
    assert Client().get(url).status_code == 302  # sign in first


def test_administrator_adds_changes_and_deletes_a_rank(admin, person, buy, committed):
    buy(person, 3_000)
    client = _client(admin)
    url = reverse("analytics:rank-rules")
    with committed():
        response = client.post(
            url,
            {
                "name": "プラチナ",
                "min_purchases": "1",
                "min_amount": "0",
                "period_months": "0",
                "priority": "99",
                "is_active": "on",
            },
        )
    assert response.status_code == 302
    platinum = RankRule.objects.get(name="プラチナ")
    assert CustomerMetrics.objects.get(person=person).rank_id == platinum.pk
    bad = client.post(
        reverse("analytics:rank-rule-update", args=[platinum.pk]),
        {
            f"r{platinum.pk}-name": "ゴールド",
            f"r{platinum.pk}-min_purchases": "1",
            f"r{platinum.pk}-min_amount": "0",
            f"r{platinum.pk}-period_months": "0",
            f"r{platinum.pk}-priority": "99",
        },
    )
    assert bad.status_code == 422 and "同じ名前のランクがすでにあります" in bad.content.decode()
    with committed():
        client.post(reverse("analytics:rank-rule-delete", args=[platinum.pk]))
    assert not RankRule.objects.filter(name="プラチナ").exists()
    assert CustomerMetrics.objects.get(person=person).rank.name == "ブロンズ"
    assert client.post(reverse("analytics:rank-rule-delete", args=[platinum.pk])).status_code == 404


def test_bad_numbers_are_field_errors_not_500(admin):
    response = _client(admin).post(
        reverse("analytics:rank-rules"),
        {
            "name": "",
            "min_purchases": "-1",
            "min_amount": "abc",
            "period_months": "999",
            "priority": "1",
        },
    )
    assert response.status_code == 422
    assert not RankRule.objects.filter(priority=1).exists()


def test_administrator_sets_rfm_thresholds_and_everyone_is_scored_again(
    admin, rep, person, buy, committed
):
    from daifuku.analytics.models import RFMScale

    buy(person, 40_000, days_ago=100)
    url = reverse("analytics:rfm-scale-update", args=["person"])
    assert _client(rep).post(url, {"person-mode": "thresholds"}).status_code == 403
    bad = _client(admin).post(
        url,
        {"person-mode": "thresholds", "person-recency": "90, 30", "person-frequency": "2,3,5,10"},
    )
    assert bad.status_code == 422 and "小さい順に入力" in bad.content.decode()
    with committed():
        response = _client(admin).post(
            url,
            {
                "person-mode": "thresholds",
                "person-recency": "30、90、180、365",
                "person-frequency": "2, 3, 5, 10",
                "person-monetary": "10000, 30000, 100000, 300000",
            },
        )
    assert response.status_code == 302
    scale = RFMScale.objects.get(entity="person")
    assert (scale.mode, scale.recency_cuts) == ("thresholds", [30, 90, 180, 365])
    row = CustomerMetrics.objects.get(person=person)
    assert (row.rfm_r, row.rfm_f, row.rfm_m) == (3, 1, 3)
    page = _client(rep).get(reverse("analytics:rank-rules")).content.decode()
    assert "管理者が設定した基準値" in page and "30, 90, 180, 365" in page
    assert _client(admin).post(reverse("analytics:rfm-scale-update", args=["x"])).status_code == 404
