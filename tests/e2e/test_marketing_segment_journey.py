"""A marketer builds a segment in the rule builder with two conditions, watching the live
count change after each, saves it and sees its members — on a desk and on a phone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(rep):
    from daifuku.customers.services import create_person

    people = [
        ("山田", "花子", "東京都", "1980-05-10"),
        ("鈴木", "一郎", "東京都", "2000-11-04"),
        ("佐藤", "健太", "大阪府", "1975-01-20"),
    ]
    return [
        create_person(
            actor=rep,
            data={"family_name": f, "given_name": g, "prefecture": p, "birthday": b},
        )
        for f, g, p, b in people
    ]


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desk", "phone"])
def test_build_a_segment_with_a_live_count(page_for, live_server, make_user, teams, shop, viewport):
    from playwright.sync_api import expect

    marketer = make_user("marketer", "marketer", teams["tokyo"])
    page = page_for(marketer, viewport=viewport)
    page.goto(f"{live_server.url}/marketing/")
    page.get_by_role("link", name="新しいセグメント").first.click()
    page.get_by_label("名前").fill("東京の40代以上")
    count = page.locator("#live-count .segment-count")
    expect(count).to_have_attribute("data-count", "3")

    # first condition: 都道府県 が次と一致 東京都 (chosen by label, from the keyboard)
    page.get_by_role("button", name="+ 条件を追加").click()
    field = page.locator("#g-0-field")
    expect(field).to_be_focused()
    field.select_option(label="都道府県")
    page.locator("#g-0-value").select_option(label="東京都")
    expect(count).to_have_attribute("data-count", "2")

    # second condition: 年齢 が次以上 40
    page.get_by_role("button", name="+ 条件を追加").click()
    page.locator("#g-1-field").select_option(label="年齢")
    page.locator("#g-1-op").select_option(label="が次以上")
    page.locator("#g-1-value").fill("40")
    expect(count).to_have_attribute("data-count", "1")

    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("東京の40代以上")
    expect(page.locator(".segment-count")).to_have_attribute("data-count", "1")
    expect(page.get_by_role("link", name="山田 花子")).to_be_visible()
    expect(page.get_by_text("都道府県が東京都")).to_be_visible()

    # the members as the customer list, narrowed to the segment
    page.get_by_role("link", name="顧客一覧で開く").click()
    expect(page.get_by_text("セグメント: 東京の40代以上")).to_be_visible()
    expect(page.locator("#people-table")).to_contain_text("山田")
    expect(page.locator("#people-table")).not_to_contain_text("鈴木")


def test_fixed_list_from_a_selection_on_the_customer_list(
    page_for, live_server, make_user, teams, shop
):
    from playwright.sync_api import expect

    from daifuku.marketing.services import create_segment

    marketer = make_user("marketer", "marketer", teams["tokyo"])
    segment = create_segment(actor=marketer, data={"name": "招待リスト", "kind": "static"})
    page = page_for(marketer)
    page.goto(f"{live_server.url}/marketing/segments/{segment.pk}/")
    expect(page.locator(".segment-count")).to_have_attribute("data-count", "0")
    page.get_by_text("リストに顧客を追加").click()
    page.get_by_role("link", name="顧客一覧で絞り込んで選ぶ").click()
    page.get_by_label("山田 花子 様").check()
    page.get_by_label("佐藤 健太 様").check()
    page.get_by_role("button", name="選んだ顧客を「招待リスト」に追加").click()
    expect(page.locator(".segment-count")).to_have_attribute("data-count", "2")
    expect(page.get_by_text("2 件を追加しました")).to_be_visible()
