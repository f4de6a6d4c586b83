"""Issue 2 journey in a real browser: a rep logs in, adds a customer with kana, finds them by
half-width kana in the global search box and opens their 360° view; the ledger pages fit a
phone screen."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PHONE = (390, 844)

NO_HORIZONTAL_OVERFLOW = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                 && getComputedStyle(e).position !== 'fixed' && e.offsetParent !== null
                 && !e.closest('.table-scroll, .visually-hidden, .skip'))
    .slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className),
})"""


def assert_fits_phone(page):
    sizes = page.evaluate(NO_HORIZONTAL_OVERFLOW)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], sizes


def test_rep_adds_a_customer_with_kana_and_finds_them_by_half_width_kana(
    anonymous_page, live_server, rep
):
    from playwright.sync_api import expect

    from daifuku.customers.services import create_person

    # Another 山… so the search has to tell them apart.
    create_person(
        actor=rep,
        data={
            "family_name": "山本",
            "given_name": "一郎",
            "family_kana": "ヤマモト",
            "given_kana": "イチロウ",
        },
    )
    page = anonymous_page()

    # Log in through the real form.
    page.goto("/customers/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("ユーザー名").fill("rep")
    page.get_by_label("パスワード").fill("pw-for-tests-only")
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile(r"/customers/$"))

    # Create a person with kana; the postal code fills prefecture and city.
    page.goto("/customers/people/new/")
    expect(page.locator("h1")).to_have_text("個人を追加")
    page.get_by_label("姓", exact=False).first.fill("山田")
    page.locator("#id_given_name").fill("花子")
    page.locator("#id_family_kana").fill("ヤマダ")
    page.locator("#id_given_kana").fill("ハナコ")
    page.locator("#id_emails").fill("Hanako.Yamada@Example.jp")
    page.locator("#id_phones").fill("090-1234-5678")
    page.locator("#id_postal_code").press_sequentially("1500002")
    expect(page.locator("#id_prefecture")).to_have_value("東京都")
    expect(page.locator("#id_city")).to_have_value("渋谷区")
    expect(page.locator("#id_address_line")).to_have_value("渋谷")
    page.locator("#id_building").fill("大福ビル3階")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#person-name")).to_contain_text("山田 花子")
    created_url = page.url

    # Find her from the global search box with half-width katakana.
    page.goto("/")
    search = page.locator("#global-q")
    search.fill("ﾔﾏﾀﾞ")
    results = page.locator("#search-popup a[data-type=person]")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("山田 花子")
    results.first.click()

    # The 360° view: name with 様, kana, address, contact details.
    expect(page).to_have_url(created_url)
    expect(page.locator("#person-name")).to_have_text(re.compile(r"山田 花子\s*様"))
    expect(page.locator("#person-kana")).to_have_text(re.compile(r"ヤマダ\s*ハナコ"))
    profile = page.locator("section[aria-labelledby=h-profile]")
    expect(profile).to_contain_text("〒150-0002")
    expect(profile).to_contain_text("東京都渋谷区渋谷")
    expect(profile).to_contain_text("大福ビル3階")
    expect(profile).to_contain_text("hanako.yamada@example.jp")
    expect(profile).to_contain_text("090-1234-5678")


def test_ledger_fits_a_phone_screen_and_the_menu_opens(page_for, live_server, rep):
    from playwright.sync_api import expect

    from daifuku.customers.services import create_person

    person = create_person(
        actor=rep,
        data={
            "family_name": "佐々木",
            "given_name": "健太郎",
            "family_kana": "ササキ",
            "given_kana": "ケンタロウ",
            "emails": ["kentaro.sasaki.long-address-for-layout@example.co.jp"],
            "phones": ["03-1234-5678"],
            "postal_code": "1000001",
            "address_line": "千代田1-1",
            "building": "大福ビルディング東館 1234号室",
            "notes": "長いメモ" * 40,
        },
    )
    page = page_for(rep, viewport=PHONE)

    page.goto("/customers/")
    expect(page.locator("table.list, .list")).to_contain_text("佐々木")
    assert_fits_phone(page)
    page.screenshot(path="/tmp/daifuku-phone-list.png", full_page=True)

    # The navigation is behind the menu button on a phone.
    nav = page.locator("#nav")
    toggle = page.locator("[data-toggle-nav]")
    expect(nav).not_to_be_in_viewport()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="企業")).to_be_visible()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    page.goto(f"/customers/people/{person.pk}/")
    expect(page.locator("#person-name")).to_contain_text("佐々木 健太郎")
    assert_fits_phone(page)
    page.screenshot(path="/tmp/daifuku-phone-person.png", full_page=True)
