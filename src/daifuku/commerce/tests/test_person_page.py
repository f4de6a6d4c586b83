"""The customer's purchases on the 360° page: a panel with the newest orders and the
count and sum net of returns, and timeline entries in plain Japanese."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse

from daifuku.commerce.services import record_order, record_return


def _page(user, person) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("customers:person", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_panel_and_timeline_show_orders_and_returns(
    rep, person, products, django_assert_max_num_queries
):
    order, _ = record_order(
        actor=rep,
        number="A-1001",
        person=person,
        ordered_at=dt.date(2026, 11, 3),
        channel="店舗",
        lines=[{"name": "贈答用 詰め合わせ", "quantity": 2, "unit_price": 5_500, "tax_rate": 10}],
    )
    record_order(
        actor=rep,
        number="EC-7",
        source="ec",
        person=person,
        ordered_at=dt.date(2026, 11, 5),
        channel="EC",
        total=3_300,
    )
    record_return(
        actor=rep,
        order=order,
        lines=[{"line_id": order.lines.get().pk, "quantity": 1}],
        reason="破損",
    )
    html = _page(rep, person)
    panel = _text(html[html.index('id="h-person-orders"') :])
    panel = panel[: panel.index("</section>") if "</section>" in panel else None]
    assert "購買履歴 注文 2 件 · 合計 ¥9,350" in panel  # 12,100 − 6,050 + 3,300
    assert "2026年11月5日 · 注文 EC-7 · EC · ¥3,300" in panel
    assert "2026年11月3日 · 注文 A-1001 · 店舗 · ¥6,050（2 点） 一部返品" in panel
    text = _text(html)
    assert "注文 A-1001 ¥12,100（2 点）" in text
    assert "注文 A-1001 の返品 −¥6,050（1 点）" in text and "破損" in text
    assert "注文 EC-7 ¥3,300" in text
    # newest first: the return (today) above the orders (November)
    assert (
        text.index("注文 A-1001 の返品")
        < text.index("注文 EC-7 ¥3,300")
        < text.index("注文 A-1001 ¥12,100")
    )
    assert not re.search(r"partly_returned|commerce\.order|Order ", text)


def test_a_person_without_orders(rep, person):
    assert "購買履歴はまだありません。" in _text(_page(rep, person))


def test_company_timeline_shows_its_orders(rep, company):
    record_order(
        actor=rep,
        number="B-7",
        company=company,
        ordered_at=dt.date(2026, 11, 3),
        channel="外商",
        store="本店",
        total=110_000,
    )
    client = Client()
    client.force_login(rep)
    text = _text(client.get(reverse("customers:company", args=[company.pk])).content.decode())
    assert "注文 B-7 ¥110,000 外商 · 本店" in text
