"""Unsubscribe and the sender settings in a real browser, at 1366 px and on a phone (390 px):
the recipient opens the link of a mail (the page only asks), presses 配信を停止する, then
chooses topics on the preference page; the administrator sees the sender settings with the
organisation profile's values and the suppression list. Screenshots:
/tmp/daifuku-law-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from daifuku.marketing.tests.law_world import make_delivery

pytestmark = pytest.mark.browser

SIZES = {"wide": (1366, 900), "phone": (390, 844)}


def _world(admin):
    from daifuku.accounts.services_organization import update_organization_profile
    from daifuku.customers.services import create_person, record_consent
    from daifuku.marketing.models import Campaign, MailTopic, Segment
    from daifuku.marketing.services.suppression import suppress

    update_organization_profile(
        actor=admin,
        data={
            "name": "株式会社大福商事",
            "postal_code": "100-0005",
            "prefecture": "東京都",
            "city": "千代田区",
            "address_line": "丸の内1-1-1",
            "inquiry_contact": "お客様窓口",
            "inquiry_phone": "03-1234-5678",
        },
    )
    hanako = create_person(
        actor=admin,
        data={"family_name": "山田", "given_name": "花子", "email": "hanako@example.jp"},
    )
    record_consent(
        actor=admin,
        person=hanako,
        channel="email",
        status="opted_in",
        method="form",
        evidence="会員登録フォーム",
    )
    MailTopic.objects.create(
        key="new-products",
        name="新商品のお知らせ",
        description="新しい商品が入荷したときにお送りします",
    )
    MailTopic.objects.create(key="seminars", name="セミナー案内", sort_order=2)
    campaign = Campaign.objects.create(
        name="冬の新商品",
        segment=Segment.objects.create(name="全員"),
        subject="冬の新商品",
        text="本文",
    )
    suppress("bounced@example.jp", "bounce")
    suppress("stop@example.jp", "manual", note="電話で依頼")
    return hanako, make_delivery(campaign, "hanako@example.jp", hanako)


@pytest.mark.parametrize("size", ["wide", "phone"])
def test_recipient_unsubscribes_and_chooses_topics(anonymous_page, live_server, admin, size):
    from daifuku.customers.models import Consent
    from daifuku.marketing import unsubscribe

    hanako, delivery = _world(admin)
    page = anonymous_page(viewport=SIZES[size])
    path = unsubscribe.url_for(delivery.token).removeprefix(unsubscribe.base_url())
    page.goto(live_server.url + path)
    expect(page.locator("h1")).to_have_text("配信停止")
    expect(page.get_by_text("株式会社大福商事").first).to_be_visible()
    page.screenshot(path=f"/tmp/daifuku-law-confirm-{size}.png", full_page=True)
    assert Consent.objects.get(person=hanako).status == "opted_in"  # opening changed nothing
    page.get_by_role("button", name="配信を停止する").click()
    expect(page.locator("h1")).to_have_text("配信を停止しました")
    assert Consent.objects.get(person=hanako).status == "opted_out"
    page.screenshot(path=f"/tmp/daifuku-law-done-{size}.png", full_page=True)
    page.get_by_role("link", name="配信設定を変更する").click()
    page.get_by_role("button", name="メールの受信を再開する").click()
    expect(page.get_by_text("メールの受信を再開しました")).to_be_visible()
    page.get_by_label("新商品のお知らせ").uncheck()
    page.get_by_role("button", name="選択を保存").click()
    expect(page.get_by_text("配信設定を保存しました")).to_be_visible()
    expect(page.get_by_label("新商品のお知らせ")).not_to_be_checked()
    expect(page.get_by_label("セミナー案内")).to_be_checked()
    page.screenshot(path=f"/tmp/daifuku-law-preferences-{size}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", ["wide", "phone"])
def test_admin_sees_sender_settings_and_suppressions(page_for, live_server, admin, size):
    _world(admin)
    page = page_for(admin, viewport=SIZES[size])
    page.goto(live_server.url + "/marketing/settings/sender/")
    expect(page.get_by_label("送信者名")).to_have_attribute("placeholder", "株式会社大福商事")
    page.get_by_label("送信元アドレス", exact=True).fill("news@daifuku.example")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("送信者情報を保存しました")).to_be_visible()
    page.screenshot(path=f"/tmp/daifuku-law-sender-{size}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(live_server.url + "/marketing/settings/suppressions/")
    expect(page.get_by_text("bounced@example.jp")).to_be_visible()
    page.screenshot(path=f"/tmp/daifuku-law-suppressions-{size}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
