"""A shop's till sends an order and a return through the API; the rep opens the customer's
page on a desk (1280) and a phone (390) and reads the purchases in Japanese: the panel with
the count and the sum after returns, and the order and the return on the timeline.
Screenshots: /tmp/daifuku-commerce-person-*.png."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def bought(rep, admin_api):
    from daifuku.customers.services import create_person

    person = create_person(actor=rep, data={"family_name": "佐々木", "given_name": "健太郎"})
    order = admin_api.post(
        "/api/v1/orders",
        {
            "number": "A-1001",
            "person_id": person.pk,
            "ordered_at": "2026-11-03T10:30:00+09:00",
            "channel": "店舗",
            "store": "本店",
            "lines": [
                {"name": "豆大福（6個入）", "quantity": 2, "unit_price": 1_200, "tax_rate": 8},
                {"name": "有田焼 湯呑み", "quantity": 1, "unit_price": 3_600, "tax_rate": 10},
            ],
        },
    )
    assert order.status_code == 201, order.content
    line = order.json()["lines"][1]["id"]
    returned = admin_api.post(
        f"/api/v1/orders/{order.json()['id']}/returns",
        {"lines": [{"line_id": line, "quantity": 1}], "reason": "欠けがあった"},
    )
    assert returned.status_code == 201, returned.content
    return person


@pytest.mark.parametrize("width, height, name", [(1280, 800, "desk"), (390, 844, "phone")])
def test_purchases_on_the_person_page(page_for, live_server, rep, bought, width, height, name):
    from playwright.sync_api import expect

    page = page_for(rep, viewport=(width, height))
    page.goto(f"/customers/people/{bought.pk}/")
    panel = page.locator("section", has=page.locator("#h-person-orders"))
    # 2 × 1,200 at 8 % = 2,400 + 192; 3,600 at 10 % = 3,600 + 360 → 6,552; the cup came back → 2,592
    expect(panel).to_contain_text("注文 1 件 · 合計 ¥2,592")
    expect(panel).to_contain_text("2026年11月3日 · 注文 A-1001 · 店舗 · 本店 · ¥2,592（3 点）")
    expect(panel).to_contain_text("一部返品")
    expect(page.locator("body")).to_contain_text("注文 A-1001 ¥6,552（3 点）")
    expect(page.locator("body")).to_contain_text("注文 A-1001 の返品 −¥3,960（1 点）")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    panel.scroll_into_view_if_needed()
    page.screenshot(path=f"/tmp/daifuku-commerce-person-{name}.png", full_page=True)
