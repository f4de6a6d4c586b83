"""An administrator sets up DKIM on 送信ドメインの確認 — makes the key pair, publishes the
TXT record (a DNS server on loopback stands in for the domain's DNS), checks again and
sees SPF, DKIM and DMARC 「OK」 — then a marketer reads the bounces and complaints that
came back; on a desk and on a phone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desk", "phone"])
def test_dkim_setup_and_the_bounce_list(
    page_for, live_server, admin, make_user, settings, viewport
):
    from playwright.sync_api import expect

    from daifuku.marketing.feedback import intake, signing
    from daifuku.marketing.models import MailSettings
    from daifuku.marketing.tests import feedback_rows as rows
    from daifuku.marketing.tests.feedback_servers import dns_server, sample

    signing.forget()
    MailSettings.objects.update_or_create(pk=1, defaults={"from_email": "info@example.jp"})
    rows.sample_deliveries(rows.campaign())
    for name in ("dsn_postfix_hard.eml", "arf_abuse.eml", "dsn_delayed_soft.eml"):
        intake.process(sample(name))

    page = page_for(admin, viewport=viewport)
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="送信ドメインの確認（SPF・DKIM・DMARC）").click()
    expect(page.locator("h1")).to_have_text("送信ドメインの確認")
    page.get_by_label("セレクタ").fill("daifuku2026")
    page.get_by_role("button", name="鍵ペアを作成").click()
    expect(page.get_by_text("新しい DKIM 鍵を作成しました。")).to_be_visible()
    record = page.locator("#dkim-record")
    expect(record).to_contain_text("v=DKIM1; k=rsa; p=MII")
    published = record.inner_text().strip()
    assert published == signing.record_value(MailSettings.objects.get(pk=1).dkim_private_key)

    records = {
        "example.jp": ["v=spf1 include:_spf.mailprovider.example ~all"],
        "_dmarc.example.jp": ["v=DMARC1; p=none; rua=mailto:dmarc@example.jp"],
        "daifuku2026._domainkey.example.jp": [published],
    }
    with dns_server(records) as resolver:
        settings.DAIFUKU_DNS_RESOLVER = resolver
        page.get_by_role("link", name="今すぐ再確認").click()
        for key in ("spf", "dkim", "dmarc"):
            expect(page.locator(f"#finding-{key} .badge")).to_have_text("OK")
        expect(page.locator("#rule-spf_dkim .badge")).to_have_text("OK")
        expect(page.locator("#rule-spam_rate .badge")).to_have_text("未対応")  # 1 complaint of 6
    page.screenshot(path=f"/tmp/daifuku-deliverability-{viewport[0]}.png", full_page=True)

    marketer = make_user("marketer", "marketer")
    page = page_for(marketer, viewport=viewport)
    page.goto(f"{live_server.url}/marketing/bounces/")
    table = page.locator("#feedback-table")
    expect(table).to_contain_text("nosuchuser@example.ne.jp")
    expect(table).to_contain_text("迷惑メール報告")
    page.get_by_role("link", name="一時的な不達").click()
    expect(table).to_contain_text("hanako@full.example.com")
    expect(table).not_to_contain_text("nosuchuser@example.ne.jp")
    page.screenshot(path=f"/tmp/daifuku-bounces-{viewport[0]}.png", full_page=True)
