"""Issuer settings and quotes in a real browser: an administrator fills the organisation
profile (the postal code fills the address; a mistyped registration number is refused on
its field in Japanese), a rep issues a quote with a discount line and sees the issuer on
it; both pages fit a phone screen."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PHONE = (390, 844)
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_admin_fills_the_organisation_profile(page_for, live_server, admin):
    from playwright.sync_api import expect

    from daifuku.accounts.models import OrganizationProfile

    page = page_for(admin)
    page.goto("/settings/")
    page.get_by_role("link", name="自社情報（見積書の発行者）").click()
    expect(page.locator("h1")).to_have_text("自社情報")
    page.locator("#id_name").fill("株式会社大福商事")
    page.locator("#id_postal_code").press_sequentially("1000005")
    expect(page.locator("#id_prefecture")).to_have_value("東京都")
    expect(page.locator("#id_city")).to_have_value("千代田区")
    page.locator("#id_address_line").fill("丸の内1-1-1")
    page.locator("#id_phone").fill("0312345678")
    page.locator("#id_registration_number").fill("T1000012050002")  # wrong check digit
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#id_registration_number-error")).to_contain_text("検査用数字")
    expect(page.locator("#id_name")).to_have_value("株式会社大福商事")  # nothing typed is lost
    page.screenshot(path="/tmp/daifuku-organization-error.png", full_page=True)
    page.locator("#id_registration_number").fill("T7000012050002")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("自社情報を保存しました。")).to_be_visible()
    saved = OrganizationProfile.objects.get()
    assert (saved.prefecture, saved.city, saved.phone, saved.registration_number) == (
        "東京都",
        "千代田区",
        "03-1234-5678",
        "T7000012050002",
    )
    page.screenshot(path="/tmp/daifuku-organization-1280.png", full_page=True)
    phone = page_for(admin, viewport=PHONE)
    phone.goto("/accounts/organization/")
    assert phone.evaluate(FITS)
    phone.screenshot(path="/tmp/daifuku-organization-390.png", full_page=True)


def test_rep_issues_a_quote_with_a_discount(page_for, live_server, admin, rep):
    from playwright.sync_api import expect

    from daifuku.accounts.services_organization import update_organization_profile
    from daifuku.customers.services import create_company
    from daifuku.sales.services import create_deal, create_pipeline

    update_organization_profile(
        actor=admin, data={"name": "株式会社大福商事", "registration_number": "T7000012050002"}
    )
    pipeline = create_pipeline(
        actor="test",
        name="新規開拓",
        stages=[
            {"name": "提案", "probability": 40},
            {"name": "受注", "kind": "won"},
            {"name": "失注", "kind": "lost"},
        ],
    )
    company = create_company(actor=rep, data={"name": "株式会社山田製作所"})
    deal = create_deal(
        actor=rep,
        data={
            "title": "基幹システム更改",
            "company_id": company.pk,
            "pipeline_id": pipeline.pk,
            "amount": 0,
            "expected_close": "2026-05-20",
        },
    )
    page = page_for(rep)
    page.goto(f"/sales/deals/{deal.pk}/")
    for name, price in (("導入支援", "100000"), ("値引き", "-10000")):
        page.locator("summary", has_text="明細を追加").click()
        page.locator("#id_name").fill(name)
        page.locator("#id_unit_price").fill(price)
        page.locator("form[action$='/lines/'] button").click()
        expect(page.locator("#deal-amount")).not_to_have_text("¥0")
    page.get_by_role("button", name=re.compile("見積書を発行")).click()
    expect(page.locator("#quote-total")).to_have_text("¥99,000")
    expect(page.locator("#registration-number")).to_have_text("T7000012050002")
    page.screenshot(path="/tmp/daifuku-quote-1280.png", full_page=True)
    phone = page_for(rep, viewport=PHONE)
    phone.goto(page.url)
    phone.screenshot(path="/tmp/daifuku-quote-390.png", full_page=True)
