"""A marketer selects the buyers of a product category (「購入した商品分類が茶器」), then
how often they bought tea (「購入回数（お茶）が2以上」), and ages typed as a list — the live
count following each step — on a desk (1366 px) and on a phone (390 px)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("DAIFUKU_E2E_SHOTS", "")


@pytest.fixture
def shop(rep, admin):
    from daifuku.commerce.services import create_product, record_order
    from daifuku.customers.services import create_person

    tea = create_product(
        actor=admin, data={"code": "SEN", "name": "煎茶", "unit_price": 1000, "category": "お茶"}
    )
    cup = create_product(
        actor=admin, data={"code": "YU", "name": "湯呑み", "unit_price": 3000, "category": "茶器"}
    )
    people = {}
    for key, family, given, born in (
        ("hanako", "山田", "花子", "1980-05-10"),
        ("ichiro", "鈴木", "一郎", "1990-11-04"),
        ("kenta", "佐藤", "健太", "1975-01-20"),
    ):
        people[key] = create_person(
            actor=rep, data={"family_name": family, "given_name": given, "birthday": born}
        )
    day = dt.date.today() - dt.timedelta(days=20)
    for number, key, products in (
        ("W1", "hanako", [cup, tea]),
        ("W2", "hanako", [tea]),
        ("W3", "ichiro", [cup]),
        ("W4", "kenta", [tea]),
    ):
        record_order(
            actor=admin,
            number=number,
            ordered_at=day,
            person=people[key],
            lines=[{"product_id": p.pk, "quantity": 1} for p in products],
        )
    return people


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desk", "phone"])
def test_buyers_of_a_category_with_a_live_count(page_for, live_server, make_user, teams, shop, viewport):  # fmt: skip
    from playwright.sync_api import expect

    marketer = make_user("marketer", "marketer", teams["tokyo"])
    page = page_for(marketer, viewport=viewport)
    page.goto(f"{live_server.url}/marketing/")
    page.get_by_role("link", name="新しいセグメント").first.click()
    page.get_by_label("名前").fill("茶器とお茶のリピーター")
    count = page.locator("#live-count .segment-count")
    expect(count).to_have_attribute("data-count", "3")

    page.get_by_role("button", name="+ 条件を追加").click()
    page.locator("#g-0-field").select_option(label="購入した商品分類")
    page.locator("#g-0-value").select_option(label="茶器")
    expect(count).to_have_attribute("data-count", "2")

    page.get_by_role("button", name="+ 条件を追加").click()
    page.locator("#g-1-field").select_option(label="購入回数（お茶）")
    page.locator("#g-1-op").select_option(label="が次以上")
    page.locator("#g-1-value").fill("2")
    expect(count).to_have_attribute("data-count", "1")

    # ages as a list: 「が次のいずれか」 takes 「46, 36」 in one box
    page.get_by_role("button", name="+ 条件を追加").click()
    page.locator("#g-2-field").select_option(label="年齢")
    page.locator("#g-2-op").select_option(label="が次のいずれか")
    page.locator("#g-2-value").fill("46, 36")
    expect(count).to_have_attribute("data-count", "1")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/builder-category-{viewport[0]}.png", full_page=True)

    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("茶器とお茶のリピーター")
    expect(page.locator(".segment-count")).to_have_attribute("data-count", "1")
    expect(page.get_by_role("link", name="山田 花子")).to_be_visible()
    expect(page.get_by_text("購入した商品分類が茶器")).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/segment-category-{viewport[0]}.png", full_page=True)


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desk", "phone"])
def test_a_manager_gives_a_product_its_category(page_for, live_server, manager, shop, viewport):
    from playwright.sync_api import expect

    page = page_for(manager, viewport=viewport)
    page.goto(f"{live_server.url}/sales/products/")
    row = page.locator("tr", has_text="煎茶")
    expect(row).to_contain_text("お茶")
    row.get_by_role("link", name="変更").click()
    category = page.get_by_label("商品分類")
    expect(category).to_have_value("お茶")
    category.fill("日本茶")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/product-edit-{viewport[0]}.png", full_page=True)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("商品を保存しました。")).to_be_visible()
    expect(page.locator("tr", has_text="煎茶")).to_contain_text("日本茶")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/products-{viewport[0]}.png", full_page=True)
