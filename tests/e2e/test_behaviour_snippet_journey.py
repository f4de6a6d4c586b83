"""The behaviour snippet in a real browser, on a "shop" page served by a tiny local HTTP
server on another origin: nothing leaves the page before consent; after
``daifuku.consent(true)`` the page view, a product view and a search arrive."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SHOP_PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8">
<title>お茶の店</title><script src="{crm}/behaviour/collect.js"></script></head>
<body><h1>煎茶 100g</h1>
<button id="agree" onclick="daifuku.consent(true)">同意する</button>
<button id="look" onclick="daifuku.product('TEA-1'); daifuku.search('緑茶'); daifuku.flush()">見る</button>
</body></html>"""


@pytest.fixture
def shop(tmp_path, live_server):
    (tmp_path / "index.html").write_text(SHOP_PAGE.format(crm=live_server.url), encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_events_arrive_after_consent_and_not_before(anonymous_page, shop, admin):
    from daifuku.behaviour.models import Event
    from daifuku.behaviour.services import flush, update_settings
    from daifuku.behaviour.services.settings import forget_cache

    update_settings(actor=admin, require_consent=True, allowed_origins=shop, retention_days=30)
    forget_cache()
    page = anonymous_page()
    sent: list[str] = []
    page.on(
        "request",
        lambda r: (
            sent.append(r.url) if "/behaviour/collect" in r.url and r.method == "POST" else None
        ),
    )
    page.goto(shop + "/index.html")
    expect(page.locator("h1")).to_have_text("煎茶 100g")
    page.wait_for_function("window.daifuku && window.daifuku.requiresConsent === true")
    page.click("#look")  # the visitor browses before agreeing
    page.wait_for_timeout(1500)  # longer than the snippet's 1 s batching wait
    assert sent == []
    assert page.evaluate("localStorage.getItem('dfk_vid')") is None
    assert "dfk_vid" not in page.evaluate("document.cookie")
    flush()
    assert Event.objects.count() == 0

    with page.expect_response(lambda r: r.url.endswith("/behaviour/collect")) as answer:
        page.click("#agree")
    assert answer.value.status == 202
    visitor = page.evaluate("localStorage.getItem('dfk_vid')")
    assert visitor and f"dfk_vid={visitor}" in page.evaluate("document.cookie")
    with page.expect_response(lambda r: r.url.endswith("/behaviour/collect")) as answer:
        page.click("#look")
    assert answer.value.status == 202
    flush()
    kinds = sorted(Event.objects.filter(visitor_id=visitor).values_list("kind", flat=True))
    # what was done before consent went with the first batch after it (it never left the
    # page before), then the second look
    assert kinds.count("product_view") == 2 and kinds.count("search") == 2
    assert "page_view" in kinds
    assert Event.objects.get(kind="page_view").url.startswith(shop)
