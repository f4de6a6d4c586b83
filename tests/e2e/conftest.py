"""Real-browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Fixtures for every journey (``tests/e2e/test_<area>_*.py``, marked ``@pytest.mark.browser``):

``browser``
    One headless chromium (``/usr/bin/chromium``) per test session (per xdist worker).
    Never run ``playwright install``: the Debian package is the browser. Missing chromium
    or playwright → the test is skipped with the reason, or fails when ``CI=true``
    (``skip_or_fail`` in the root conftest).

``page_for(user, viewport=(1280, 800), locale="ja-JP")``
    A new, isolated browser context + page that is **already logged in** as ``user``. The
    login is done by ``django.test.Client.force_login`` and copying its session cookie into
    the browser (fast, no throttling interplay); a journey that is *about* logging in uses
    ``anonymous_page`` and the real form instead. ``locale`` sets ``Accept-Language`` (the UI
    is Japanese by default; pass ``locale="en-US"`` for English). Navigate with
    ``page.goto(live_server.url + "/customers/")`` or ``page.goto(url(page, "/customers/"))``.
    Uncaught JavaScript errors on the page fail the test at teardown.

``anonymous_page(viewport=(1280, 800), locale="ja-JP")``
    Same, not logged in.

``live_server``
    pytest-django's server thread (one per xdist worker, random port). Requesting
    ``page_for``/``anonymous_page`` also requests ``transactional_db``, so rows a test creates
    with services are visible to the server thread, and the database is flushed after.

Example::

    @pytest.mark.browser
    def test_rep_sees_customer(page_for, live_server, rep):
        person = create_person(actor=rep, family_name="山田", ...)
        page = page_for(rep, viewport=(390, 844))
        page.goto(f"{live_server.url}/customers/people/{person.pk}/")
        expect(page.locator("#person-name")).to_contain_text("山田")

Timeouts: 15 s per action (the machine has 2 cores shared by 2 xdist workers); assert with
``playwright.sync_api.expect`` (it waits) rather than reading state once.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest


def _load_root_conftest():
    # Both conftest files are top-level modules named "conftest"; load the root one by path.
    path = Path(__file__).resolve().parents[2] / "conftest.py"
    spec = importlib.util.spec_from_file_location("daifuku_root_conftest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


skip_or_fail = _load_root_conftest().skip_or_fail

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate (it is: the test thread).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("DAIFUKU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_VIEWPORT = (1280, 800)
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items):
    """Every test in tests/e2e is a browser test, even if its author forgot the mark."""
    for item in items:
        if "/tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing: install Debian's chromium package for browser tests")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:  # pragma: no cover - dev dependency
        skip_or_fail("the playwright package is missing: run `make install`")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def _pages(browser, live_server, transactional_db):
    """Open contexts for this test; closed (and checked for JavaScript errors) afterwards."""
    opened = []

    def open_page(viewport=DEFAULT_VIEWPORT, locale="ja-JP", cookies=()):
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            locale=locale,
            base_url=live_server.url,
            timezone_id="Asia/Tokyo",
        )
        context.set_default_timeout(TIMEOUT_MS)
        if cookies:
            context.add_cookies(list(cookies))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        opened.append((context, page, errors))
        return page

    yield open_page
    failures = [f"{page.url}: {e}" for _, page, errors in opened for e in errors]
    for context, _, _ in opened:
        context.close()
    if failures:
        pytest.fail("JavaScript errors in the page:\n" + "\n".join(failures))


@pytest.fixture
def anonymous_page(_pages):
    def make(viewport=DEFAULT_VIEWPORT, locale="ja-JP"):
        return _pages(viewport=viewport, locale=locale)

    return make


@pytest.fixture
def page_for(_pages, live_server):
    from django.conf import settings
    from django.test import Client

    def make(user, viewport=DEFAULT_VIEWPORT, locale="ja-JP"):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        return _pages(
            viewport=viewport,
            locale=locale,
            cookies=[
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ],
        )

    return make
