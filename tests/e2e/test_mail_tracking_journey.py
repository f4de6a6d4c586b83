"""Marketing mail's tracking in a real browser: a recipient's mail (an HTML page served by a
tiny local server, as a webmail shows it) loads the open pixel and its link leads through
the signed redirect to the shop; a link someone changed shows the Japanese 400 page and
goes nowhere — at desktop and phone widths, with screenshots of the page in
/tmp/daifuku-mail-bad-link-<width>.png."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WIDTHS = [(1366, 900), (390, 844)]


@pytest.fixture
def site(tmp_path):
    """The shop the link leads to and the webmail that shows the mail, on another origin."""
    (tmp_path / "tea.html").write_text(
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
def delivery(rep, live_server, settings):
    from django.utils import timezone

    from daifuku.marketing.tests import mail_world

    settings.DAIFUKU_PUBLIC_URL = live_server.url
    campaign = mail_world.campaign(rep, "秋の新茶のご案内")
    person = mail_world.person(rep)
    return mail_world.delivery(campaign, person, sent_at=timezone.now() - dt.timedelta(hours=1))


def test_the_mail_is_opened_and_its_link_followed(anonymous_page, site, delivery):
    from daifuku.marketing.mailing.hooks import OutgoingMail
    from daifuku.marketing.models import MailEvent
    from daifuku.marketing.tracking.links import compose_hook

    folder, shop = site
    mail = OutgoingMail(
        delivery_id=delivery.pk, token=delivery.token, email=delivery.email,
        person_id=delivery.person_id, campaign_id=delivery.campaign_id, subject="秋の新茶",
        html=f'<html><body><p><a id="go" href="{shop}/tea.html">新茶を見る</a></p></body></html>',
        text="", from_name="お茶の店", from_email="shop@example.jp",
    )  # fmt: skip
    compose_hook(mail)
    (folder / "mail.html").write_text(mail.html, encoding="utf-8")
    page = anonymous_page(viewport=(1366, 900))
    page.goto(f"{shop}/mail.html")
    page.wait_for_function(
        "() => [...document.images].every(i => i.complete && i.naturalWidth === 1)"
    )
    page.click("#go")
    expect(page.locator("h1")).to_have_text("秋の新茶")
    assert page.url == f"{shop}/tea.html"
    delivery.refresh_from_db()
    assert delivery.opened_at is not None and delivery.clicked_at is not None
    kinds = sorted(MailEvent.objects.filter(delivery=delivery).values_list("kind", flat=True))
    assert kinds == ["click", "open"]


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_a_changed_link_shows_the_japanese_page_and_goes_nowhere(
    anonymous_page, live_server, delivery, width, height
):
    from daifuku.marketing.models import MailSettings
    from daifuku.marketing.tracking import links

    MailSettings.objects.update_or_create(
        pk=1,
        defaults={
            "sender_name": "株式会社お茶の山田園",
            "contact": "0120-123-456（平日10時〜17時）",
        },
    )
    good = links.click_url(delivery.token, "https://shop.example.jp/tea")
    evil = links.base64.urlsafe_b64encode(b"https://evil.example/").decode().rstrip("=")
    token, _packed, sig = good.removeprefix(f"{live_server.url}/m/c/").split("/")
    page = anonymous_page(viewport=(width, height))
    response = page.goto(f"{live_server.url}/m/c/{token}/{evil}/{sig}")
    assert response.status == 400
    assert page.url.startswith(live_server.url)
    expect(page.locator("h1")).to_have_text("このリンクは開けません")
    expect(page.locator(".sender")).to_contain_text("株式会社お茶の山田園")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/daifuku-mail-bad-link-{width}.png", full_page=True)
