"""The whole of marketing mail as a marketer meets it, in one browser journey (issue 20):
build a segment in the rule builder and watch its live count change; write a campaign with
a block only ゴールド members see; preview it as a ゴールド and as a ブロンズ customer at the
desktop and phone widths and see the block only for the first; send it — through the real
delivery engine to an SMTP server on loopback (aiosmtpd); the recipient opens the received
mail in a browser (its open pixel loads) and follows its tracked link to the shop; the
campaign's page shows the statistics (delivered 2, opened 1, clicked 1).

Run at a desk (1280 px) and on a phone (390 px); screenshots go to ``$DAIFUKU_SHOTS`` when
it is set."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import re
import threading
from email import message_from_bytes, policy

import pytest

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("DAIFUKU_SHOTS", "")
GOLD_BLOCK = "ゴールド会員さま限定の先行販売"


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def smtp(settings):
    """aiosmtpd on loopback, keeping every message it accepts (the engine sends to it)."""
    from daifuku.marketing.delivery.tests import harness

    harness.require_aiosmtpd()
    handler = harness.CountingHandler()
    handler.keep = True
    with harness.SmtpServer(handler) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        yield handler


@pytest.fixture
def web(tmp_path):
    """The shop the mail's link leads to, and the webmail that shows the received mail:
    a small HTTP server on another origin than the CRM's."""
    (tmp_path / "autumn.html").write_text(
        '<!doctype html><html lang="ja"><meta charset="utf-8"><h1>秋の新茶</h1></html>',
        encoding="utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def shop(rep, admin, live_server, settings, django_capture_on_commit_callbacks):
    """田中 花子 (ゴールド, repeat buyer) and 鈴木 一郎 (ブロンズ, first purchase), both with an
    opt-in for mail on record; 佐藤 健太 bought too but never consented. The sender's
    identity the law asks for is complete."""
    from daifuku.customers.services import record_consent
    from daifuku.marketing.tests.campaign_world import sender_ready
    from daifuku.marketing.tests.tpl_world import build_mail_world

    settings.DAIFUKU_PUBLIC_URL = live_server.url
    world = build_mail_world(rep, admin, django_capture_on_commit_callbacks)
    for person in (world["hanako"], world["ichiro"]):
        record_consent(actor=admin, person=person, channel="email", status="opted_in",
                       method="form", evidence="会員登録フォーム 2026-04-01")  # fmt: skip
    sender_ready(admin)
    return world


def _choose(page, name):
    from playwright.sync_api import expect

    page.get_by_label("プレビューするお客様").fill(name)
    option = page.locator("#preview-people [data-preview-person]").first
    expect(option).to_contain_text(name)
    option.click()
    expect(page.locator("#preview-who")).to_contain_text(name)


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desk", "phone"])
def test_segment_mail_preview_send_open_click_and_statistics(
    page_for, live_server, make_user, teams, shop, smtp, web, viewport
):
    from playwright.sync_api import expect

    from daifuku.marketing.models import Campaign, Delivery, Segment

    folder, shop_url = web
    width = viewport[0]
    marketer = make_user("marketer", "marketer", teams["tokyo"])
    page = page_for(marketer, viewport=viewport)

    # 1. a segment in the rule builder, its live count following each condition
    page.goto(f"{live_server.url}/marketing/")
    page.get_by_role("link", name="新しいセグメント").first.click()
    page.get_by_label("名前").fill("メール許諾ありの購入者")
    count = page.locator("#live-count .segment-count")
    expect(count).to_have_attribute("data-count", "3")
    page.get_by_role("button", name="+ 条件を追加").click()
    page.locator("#g-0-field").select_option(label="配信同意: メール")
    page.locator("#g-0-value").select_option(value="opted_in")
    expect(count).to_have_attribute("data-count", "2")
    _shot(page, f"journey-segment-{width}")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("メール許諾ありの購入者")

    # 2. a campaign to it, with a block only ゴールド members see
    page.get_by_role("link", name="このセグメントにメールを送る").click()
    expect(page.locator("h1")).to_have_text("新しいメール配信")
    expect(page.get_by_label("配信先（セグメントまたはリスト）")).to_have_value(
        str(Segment.objects.get(name="メール許諾ありの購入者").pk)
    )
    page.get_by_label("名前").fill("秋の新茶のご案内")
    page.get_by_label("件名", exact=True).fill("{{ display_name }}へ 秋の新茶のご案内")
    page.get_by_label("本文（HTML）").fill(
        "<p>{{ display_name }}</p>\n"
        f"{{% rank 'ゴールド' %}}<p>{GOLD_BLOCK}</p>{{% endrank %}}\n"
        f'<p><a id="go" href="{shop_url}/autumn.html">新茶を見る</a></p>\n'
    )
    page.get_by_label("本文（テキスト）").fill(
        f"{{{{ display_name }}}}\n新茶: {shop_url}/autumn.html\n"
    )

    # 3. preview as two customers, at the desktop and phone widths (on a phone the preview
    # is below the form: a button leads to it)
    jump = page.get_by_role("link", name="プレビューを見る")
    if width < 1000:
        jump.click()
        expect(page.locator("#preview-heading")).to_be_in_viewport()
    else:
        expect(jump).to_be_hidden()
    frame = page.frame_locator("#preview-frame")
    for size in ("600", "375"):
        page.locator(f"input[name=preview-width][value='{size}']").check()
        _choose(page, "田中")
        expect(page.locator("#preview-subject")).to_have_text("田中 花子 様へ 秋の新茶のご案内")
        expect(frame.get_by_text(GOLD_BLOCK)).to_be_visible()
        expect(page.locator("#preview-frame")).to_have_css("width", f"{size}px")
        _shot(page, f"journey-preview-gold-{size}-{width}")
        _choose(page, "鈴木")
        expect(page.locator("#preview-subject")).to_have_text("鈴木 一郎 様へ 秋の新茶のご案内")
        expect(frame.get_by_text("鈴木 一郎 様")).to_be_visible()
        expect(frame.get_by_text(GOLD_BLOCK)).to_have_count(0)
        expect(page.locator("#preview-frame")).to_have_css("width", f"{size}px")
        _shot(page, f"journey-preview-bronze-{size}-{width}")
    page.get_by_role("button", name="保存").click()

    # 4. who receives it, then the send through the delivery engine to aiosmtpd
    expect(page.locator("h1")).to_have_text("秋の新茶のご案内")
    expect(page.locator(".would-receive")).to_have_attribute("data-count", "2")
    page.get_by_role("link", name="送信…").click()
    page.locator("#confirm-button").click()
    expect(page.get_by_text("送信を開始しました。")).to_be_visible()
    expect(page.locator('[data-stat="sent"]')).to_have_text("2", timeout=20_000)
    assert len(smtp.messages) == 2 and set(smtp.ids.values()) == {1}

    received = {}
    for raw in smtp.messages:
        message = message_from_bytes(raw, policy=policy.default)
        html = message.get_body(("html",)).get_content()
        received[message["To"].addresses[0].addr_spec] = html
    assert GOLD_BLOCK in received["hanako@example.jp"]
    assert GOLD_BLOCK not in received["ichiro@example.jp"]

    # 5. 花子 reads her mail a minute later (a pixel within seconds of sending is a
    # machine's) in her webmail and follows the link: the tracked redirect to the shop
    campaign = Campaign.objects.get(name="秋の新茶のご案内")
    Delivery.objects.filter(campaign=campaign).update(
        sent_at=Delivery.objects.get(campaign=campaign, email="hanako@example.jp").sent_at
        - dt.timedelta(minutes=1)
    )
    (folder / "mail.html").write_text(received["hanako@example.jp"], encoding="utf-8")
    reader = page.context.browser.new_context(viewport={"width": width, "height": viewport[1]})
    try:
        mail = reader.new_page()
        mail.goto(f"{shop_url}/mail.html")
        pixel = [i for i in mail.locator("img").all() if "/m/o/" in (i.get_attribute("src") or "")]
        assert pixel, "the received mail has no open pixel"
        mail.wait_for_function(
            "() => [...document.images].every(i => i.complete && i.naturalWidth === 1)"
        )
        link = mail.locator("#go")
        assert "/m/c/" in (link.get_attribute("href") or ""), "the link is not tracked"
        link.click()
        expect(mail.locator("h1")).to_have_text("秋の新茶")
        assert mail.url == f"{shop_url}/autumn.html"
    finally:
        reader.close()

    # 6. the statistics on the campaign's page
    page.goto(f"{live_server.url}/marketing/campaigns/{campaign.pk}/")
    expect(page.locator('[data-stat="delivered"]')).to_have_text("2")
    expect(page.locator('[data-stat="opened"]')).to_have_text(re.compile(r"^1\b"))
    expect(page.locator('[data-stat="clicked"]')).to_have_text(re.compile(r"^1\b"))
    expect(page.locator('[data-stat="bounced"]')).to_have_text("0")
    expect(page.locator("#started-at")).to_be_visible()
    expect(page.locator('[data-reason="no_consent"]')).to_have_text("0")
    _shot(page, f"journey-stats-{width}")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"horizontal overflow: {scroll}px"
