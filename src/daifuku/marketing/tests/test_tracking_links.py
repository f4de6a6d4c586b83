"""The compose hook's rewriting and the signature that makes the redirect safe."""

from __future__ import annotations

import re

import pytest

from daifuku.marketing.mailing.hooks import OutgoingMail
from daifuku.marketing.tracking import links

BASE = "https://crm.example.co.jp"


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.DAIFUKU_PUBLIC_URL = BASE


def mail(html="", text="", token="tok_123-abc"):
    return OutgoingMail(
        delivery_id=1, token=token, email="a@example.jp", person_id=None, campaign_id=1,
        subject="件名", html=html, text=text, from_name="店", from_email="shop@example.jp",
    )  # fmt: skip


def hrefs(body: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', body, re.IGNORECASE)


def test_every_http_link_is_signed_and_leads_back_to_its_address():
    body = (
        '<html><body><p><a href="https://shop.example.jp/tea?id=3&amp;utm=mail">新茶</a>'
        "<A class='btn' HREF='http://shop.example.jp/cup'>湯呑み</A></p></body></html>"
    )
    out = mail(html=body)
    links.compose_hook(out)
    found = hrefs(out.html.replace("'", '"'))
    assert len(found) == 2
    for href, original in zip(
        found,
        ["https://shop.example.jp/tea?id=3&utm=mail", "http://shop.example.jp/cup"],
        strict=True,
    ):
        token, packed, sig = href.removeprefix(f"{BASE}/m/c/").split("/")
        assert token == "tok_123-abc"
        assert links.verified_url(token, packed, sig) == original
    assert out.html.count(f'src="{BASE}/m/o/tok_123-abc.gif"') == 1
    assert out.html.index("/m/o/") < out.html.index("</body>")


def test_links_that_are_not_tracked():
    body = (
        '<a href="mailto:info@example.jp">mail</a><a href="tel:0312345678">tel</a>'
        f'<a href="{BASE}/m/u/tok/abc">配信停止</a><a href="https://other.example/m/u/x">停止</a>'
        '<a data-notrack href="https://shop.example.jp/privacy">方針</a>'
        '<a href="#top">top</a><a href="/relative">rel</a><a name="x">anchor</a>'
    )
    out = mail(html=body)
    links.compose_hook(out)
    assert "/m/c/" not in out.html
    assert out.html.endswith(links.pixel_tag("tok_123-abc"))


def test_text_links_keep_their_punctuation():
    out = mail(
        text="詳しくは https://shop.example.jp/tea。（https://shop.example.jp/a）\n停止: "
        + BASE
        + "/m/u/t/x"
    )
    links.compose_hook(out)
    lines = out.text.split("\n")
    assert lines[0].startswith(f"詳しくは {BASE}/m/c/tok_123-abc/") and lines[0].count("/m/c/") == 2
    assert lines[0].endswith("）") and "。（" in lines[0]
    assert lines[1] == f"停止: {BASE}/m/u/t/x"


def test_a_mail_without_a_token_is_left_alone():
    out = mail(html='<a href="https://a.jp">a</a>', token="")
    links.compose_hook(out)
    assert out.html == '<a href="https://a.jp">a</a>'


def test_any_change_breaks_the_signature():
    good = links.click_url("tok_123-abc", "https://shop.example.jp/tea")
    token, packed, sig = good.removeprefix(f"{BASE}/m/c/").split("/")
    evil = links.click_url("tok_123-abc", "https://evil.example/")
    _t, evil_packed, _s = evil.removeprefix(f"{BASE}/m/c/").split("/")
    assert links.verified_url(token, packed, sig) == "https://shop.example.jp/tea"
    assert links.verified_url(token, evil_packed, sig) is None  # another address
    assert links.verified_url("other_token", packed, sig) is None  # another delivery
    assert links.verified_url(token, packed, sig[:-1] + ("A" if sig[-1] != "A" else "B")) is None
    assert links.verified_url(token, packed, sig[:-1]) is None
    assert links.verified_url(token, "!!!", sig) is None
    assert links.verified_url("bad token", packed, sig) is None


def test_only_http_addresses_are_ever_redirected_to(settings):
    for url in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "ftp://x.jp/f"):
        packed = links.base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
        assert links.verified_url("tok", packed, links.signature("tok", url)) is None


def test_links_signed_before_a_key_rotation_still_work(settings):
    old = links.click_url("tok", "https://shop.example.jp/")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    token, packed, sig = old.removeprefix(f"{BASE}/m/c/").split("/")
    assert links.verified_url(token, packed, sig) == "https://shop.example.jp/"
    settings.SECRET_KEY_FALLBACKS = []
    assert links.verified_url(token, packed, sig) is None


def test_the_hook_is_registered_after_the_law_hooks():
    from daifuku.marketing.mailing import hooks

    assert (200, links.compose_hook) in hooks._compose
