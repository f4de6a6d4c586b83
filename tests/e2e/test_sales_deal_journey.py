"""Day-one journeys on the deal pages: open a deal by typing the company's name, add the
people involved by name (no internal ids), and read the timeline in plain Japanese."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SHOTS = "/tmp/sales-shots"


def _shot(page, name):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_new_deal_by_company_name_and_people_picked_by_name(page_for, live_server, rep):
    from playwright.sync_api import expect

    from daifuku.customers.services import create_company, create_person
    from daifuku.sales.models import Deal, DealContact

    create_company(actor=rep, data={"name": "株式会社山田製作所"})
    suzuki = create_company(actor=rep, data={"name": "鈴木物産株式会社"})
    sato = create_person(
        actor=rep,
        data={
            "family_name": "佐藤",
            "given_name": "健",
            "family_kana": "サトウ",
            "given_kana": "ケン",
        },
    )
    create_person(actor=rep, data={"family_name": "高橋", "given_name": "誠"})

    page = page_for(rep)
    page.goto("/sales/deals/new/")
    page.fill("#id_title", "受発注システム更改")
    page.locator("#company-search").press_sequentially("鈴木", delay=50)
    options = page.locator("#company-pick")
    expect(options.locator("[data-pick-company]")).to_have_count(1)
    expect(options).to_contain_text("鈴木物産")
    options.locator("[data-pick-company]").click()
    expect(page.locator("#company-id")).to_have_value(str(suzuki.pk))
    page.fill("#id_expected_close", "2026-06-30")
    page.locator("form.stacked button.primary").click()
    expect(page.locator("#deal-title")).to_have_text("受発注システム更改")
    deal = Deal.objects.get(title="受発注システム更改")
    assert deal.company_id == suzuki.pk

    page.locator("#contact-person-search").press_sequentially("佐藤", delay=50)
    choices = page.locator("#contact-person-options [data-pick-person]")
    expect(choices).to_have_count(1)
    expect(choices).to_contain_text("佐藤 健")
    _shot(page, "deal-person-picker-1280")
    choices.click()
    expect(page.locator("#contact-person-id")).to_have_value(str(sato.pk))
    page.fill("#contact-role", "決裁者")
    page.locator("#h-contacts ~ form button").click()
    expect(page.locator("section[aria-labelledby='h-contacts'] ul")).to_contain_text("佐藤 健")
    assert list(DealContact.objects.filter(deal=deal).values_list("person_id", "role")) == [
        (sato.pk, "決裁者")
    ]
