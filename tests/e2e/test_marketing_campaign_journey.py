"""A marketer writes a campaign to a segment, sees before sending who will receive it and
who is left out by reason, sees the pre-send problem that blocks it, and after it is fixed
confirms the send with the count shown and watches the progress — on a desk and a phone,
from the keyboard where it matters."""
# ruff: noqa: F811  (the imported fixtures are requested by name)

from __future__ import annotations

import pytest

from daifuku.marketing.tests.campaign_world import delivery_job, mail_world, marketer  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desk", "phone"])
def test_write_check_and_send_a_campaign(
    page_for, live_server, marketer, mail_world, delivery_job, viewport
):
    from playwright.sync_api import expect

    from daifuku.marketing.mailing import hooks

    name = "desk" if viewport[0] > 500 else "phone"
    page = page_for(marketer, viewport=viewport)
    page.goto(f"{live_server.url}/marketing/")
    page.get_by_role("link", name="メール配信").first.click()
    expect(page.locator("h1")).to_have_text("メール配信")
    page.get_by_role("link", name="新しいメール配信").first.click()
    page.get_by_label("名前").fill("秋の新作のご案内")
    page.get_by_label("配信先（セグメントまたはリスト）").select_option(label="全員")
    page.get_by_label("配信テーマ").select_option(label="新商品のお知らせ")
    page.get_by_label("件名", exact=True).fill("{{ display_name }}へ 秋の新作")
    page.get_by_label("本文（テキスト）").fill("{{ display_name }}\n秋の新作が入荷しました。")
    page.screenshot(path=f"/tmp/daifuku-campaign-form-{name}.png", full_page=True)
    page.get_by_role("button", name="保存").click()

    # before sending: who receives it, who is left out and why
    expect(page.locator("h1")).to_have_text("秋の新作のご案内")
    expect(page.locator(".would-receive")).to_have_attribute("data-count", "3")
    expect(page.locator('[data-reason="no_consent"]')).to_have_text("2")
    expect(page.locator('[data-reason="suppressed"]')).to_have_text("1")
    expect(page.locator('[data-reason="topic_refused"]')).to_have_text("1")
    expect(page.get_by_text("送信を止める問題はありません。")).to_be_visible()

    def check(campaign):
        return [hooks.Problem("missing_postal_address",
                              "送信者の住所がありません（特定電子メール法 第4条）",
                              field="postal_address")]  # fmt: skip

    hooks.register_preflight_check(check)
    try:
        page.get_by_role("link", name="送信…").click()
        expect(page.locator("h1")).to_have_text("この配信を送信しますか？")
        expect(page.get_by_text("送信者の住所がありません")).to_be_visible()
        expect(page.locator("#confirm-button")).to_have_count(0)
        page.screenshot(path=f"/tmp/daifuku-campaign-blocked-{name}.png", full_page=True)
    finally:
        hooks._preflight[:] = [pair for pair in hooks._preflight if pair[1] is not check]

    page.reload()
    button = page.locator("#confirm-button")
    expect(button).to_have_text("3 人に送信する")
    expect(page.get_by_text("今から 3 人にメールを送ります。")).to_be_visible()
    page.screenshot(path=f"/tmp/daifuku-campaign-confirm-{name}.png", full_page=True)
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("送信を開始しました。")).to_be_visible()
    expect(page.locator('[data-stat="pending"]')).to_have_text("3")
    assert delivery_job  # the delivery engine's job was enqueued

    # the engine sends them: the polled progress panel follows without a reload
    from daifuku.marketing.models import Delivery

    Delivery.objects.all().update(status="sent")
    expect(page.locator('[data-stat="sent"]')).to_have_text("3", timeout=10_000)
    page.screenshot(path=f"/tmp/daifuku-campaign-progress-{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport[0], f"horizontal overflow: {width}px"
    page.get_by_role("link", name="メール配信").first.click()
    expect(page.locator("table.campaigns")).to_contain_text("3 / 3")


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desk", "phone"])
def test_an_ab_test_shows_each_subject_and_the_winner(
    page_for, live_server, marketer, mail_world, delivery_job, viewport
):
    from django.utils import timezone
    from playwright.sync_api import expect

    from daifuku.marketing.models import Delivery
    from daifuku.marketing.services import ab
    from daifuku.marketing.services.campaigns import create_campaign, start_send

    name = "desk" if viewport[0] > 500 else "phone"
    campaign = create_campaign(actor=marketer, data={
        "name": "件名テスト", "segment_id": mail_world["segment"].pk, "text": "本文",
        "variants": ["秋の新作", "【3日間限定】秋の新作"], "ab_share": 100, "ab_metric": "click",
    })  # fmt: skip
    start_send(campaign, actor=marketer)
    now = timezone.now()
    Delivery.objects.all().update(status="sent", sent_at=now)
    Delivery.objects.filter(variant__label="B").update(opened_at=now, clicked_at=now)
    assert ab.choose_winner(campaign).label == "B"
    page = page_for(marketer, viewport=viewport)
    page.goto(f"{live_server.url}/marketing/campaigns/{campaign.pk}/")
    expect(page.locator("table.stats")).to_contain_text("【3日間限定】秋の新作")
    expect(page.locator('[data-stat="sent"]')).to_have_text("4")  # no topic: 4 receive it
    page.screenshot(path=f"/tmp/daifuku-campaign-ab-{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport[0], f"horizontal overflow: {width}px"
