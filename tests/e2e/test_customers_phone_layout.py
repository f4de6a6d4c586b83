"""The customer pages on a phone (390×844): phone numbers are tappable ``tel:`` links,
every button, link and field in the page is a 44 px touch target, and the list's filters
fold away behind one toggle (open on a desk). Screenshots: /tmp/daifuku-customers-*.png."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = (390, 844)
DESK = (1280, 800)

# Interactive elements in the page's main area smaller than 44 px in either direction
# (links inside running text are exempt, as in WCAG 2.5.8: none on these pages).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'main a[href], main button, main select, main summary, main input:not([type=hidden]):not([type=checkbox])')]
  .filter(e => e.offsetParent !== null)
  .map(e => [e, e.getBoundingClientRect()])
  .filter(([e, r]) => r.height < 44 || r.width < 44)
  .map(([e, r]) => `${e.tagName}.${e.className} "${(e.textContent || e.name || '').trim().slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`)"""


@pytest.fixture
def ledger(rep):
    from daifuku.customers.services import create_company, create_person

    person = create_person(
        actor=rep,
        data={
            "family_name": "佐々木",
            "given_name": "健太郎",
            "family_kana": "ササキ",
            "given_kana": "ケンタロウ",
            "emails": ["kentaro@example.co.jp"],
            "phones": ["090-1234-5678"],
            "postal_code": "1000001",
            "relationship_stage": "basic",
        },
    )
    create_person(
        actor=rep,
        data={"family_name": "ハーン", "family_kana": "ハーン", "phones": ["03-3456-7890"]},
    )
    from daifuku.customers.services import add_household_member

    add_household_member(actor=rep, person=person, data={"name": "佐々木 花子", "relation": "妻"})
    company = create_company(
        actor=rep,
        data={
            "name": "株式会社山田製作所",
            "kana": "ヤマダセイサクショ",
            "phones": ["03-1234-5678"],
            "postal_code": "1000001",
        },
    )
    return person, company


def test_the_list_on_a_phone(page_for, live_server, rep, ledger):
    from playwright.sync_api import expect

    page = page_for(rep, viewport=PHONE)
    page.goto("/customers/")
    expect(page.locator("#people-list")).to_contain_text("佐々木")
    # one tap calls: the number is a tel: link in E.164
    tel = page.locator("#people-list a.tel", has_text="090-1234-5678")
    expect(tel).to_have_attribute("href", "tel:+819012345678")
    # the filters are folded: the search box and the customers come first
    filters = page.locator("#list-filters")
    expect(filters).not_to_have_attribute("open", "")
    expect(page.locator("#f-life")).to_be_hidden()
    expect(page.locator("#list-q")).to_be_visible()
    page.screenshot(path="/tmp/daifuku-customers-list-phone.png", full_page=True)
    page.locator("#list-filters > summary").click()
    expect(page.locator("#f-life")).to_be_visible()
    expect(page.locator("#f-owner")).to_be_visible()
    assert page.evaluate(SMALL_TARGETS) == []
    page.screenshot(path="/tmp/daifuku-customers-list-phone-filters.png", full_page=True)
    page.select_option("#f-stage", "basic")
    expect(page.locator("#people-list")).not_to_contain_text("ハーン")


def test_the_person_and_company_pages_on_a_phone(page_for, live_server, rep, ledger):
    from playwright.sync_api import expect

    person, company = ledger
    page = page_for(rep, viewport=PHONE)
    page.goto(f"/customers/people/{person.pk}/")
    expect(page.locator("a.tel", has_text="090-1234-5678")).to_have_attribute(
        "href", "tel:+819012345678"
    )
    assert page.evaluate(SMALL_TARGETS) == []
    page.screenshot(path="/tmp/daifuku-customers-person-phone.png", full_page=True)
    page.goto(f"/customers/companies/{company.pk}/")
    expect(page.locator("a.tel", has_text="03-1234-5678")).to_have_attribute(
        "href", "tel:+81312345678"
    )
    assert page.evaluate(SMALL_TARGETS) == []
    page.screenshot(path="/tmp/daifuku-customers-company-phone.png", full_page=True)
    page.goto("/customers/companies/")
    expect(page.locator("#companies-list a.tel")).to_have_attribute("href", "tel:+81312345678")
    assert page.evaluate(SMALL_TARGETS) == []
    for path in (
        "/customers/search/?q=ササキ",
        "/customers/tags/",
        "/customers/trash/",
        "/customers/people/new/",
        f"/customers/people/{person.pk}/history/",
    ):
        page.goto(path)
        assert page.evaluate(SMALL_TARGETS) == [], path


def test_the_list_on_a_desk_keeps_its_filters_open(page_for, live_server, rep, ledger):
    from playwright.sync_api import expect

    page = page_for(rep, viewport=DESK)
    page.goto("/customers/")
    expect(page.locator("#f-life")).to_be_visible()
    expect(page.locator("#list-filters > summary")).to_be_hidden()
    page.screenshot(path="/tmp/daifuku-customers-list-desk.png", full_page=True)
