"""The おすすめ商品 panel on the 360° person page: what to suggest next, with the reason
in Japanese, within a query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from . import business_world

pytestmark = pytest.mark.django_db
shop = business_world.shop  # fixture


def _page(user, person) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("customers:person", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_panel_suggests_what_others_bought_with_theirs(rep, shop, django_assert_max_num_queries):
    from daifuku.commerce.services import record_order
    from daifuku.customers.services import create_person

    other = create_person(actor=rep, data={"family_name": "他", "given_name": "様"})
    me = create_person(actor=rep, data={"family_name": "私", "given_name": "様"})
    pair = [{"product": shop["sencha"], "quantity": 1}, {"product": shop["daifuku"], "quantity": 1}]
    for n in range(2):
        record_order(
            actor=rep, number=f"P{n}", person=other, ordered_at=dt.date(2026, 5, 1), lines=pair
        )
    for n in range(2):  # other orders: 煎茶 and 大福 together more often than chance
        record_order(
            actor=rep,
            number=f"Y{n}",
            person=other,
            ordered_at=dt.date(2026, 5, 2),
            lines=[{"product": shop["yunomi"], "quantity": 1}],
        )
    record_order(
        actor=rep,
        number="ME",
        person=me,
        ordered_at=dt.date(2026, 6, 1),
        lines=[{"product": shop["sencha"], "quantity": 1}],
    )
    html = _page(rep, me)
    assert "おすすめ商品" in html
    assert "豆大福" in html and "「煎茶 100g」と一緒によく購入されています（リフト値 1.7）" in html
    assert "湯呑み" in html and "人気商品（2 件の注文）" in html
    # the panel's own cost once the co-purchases are cached: orders' version, the
    # person's products, their product views on the site, the catalog rows concerned
    from django.test import RequestFactory

    from daifuku.analytics.panels import person_recommendations_panel

    request = RequestFactory().get("/")
    request.user = rep
    with django_assert_max_num_queries(4):
        panel = person_recommendations_panel(request, me)
    assert [r["name"] for r in panel["recommendations"]] == ["豆大福", "湯呑み"]


def test_panel_without_sales_says_so(rep, shop):
    from daifuku.customers.services import create_person

    me = create_person(actor=rep, data={"family_name": "私", "given_name": "様"})
    assert "まだおすすめできる商品はありません" in _page(rep, me)
