"""Signed tracking links and the open pixel, added to every outgoing mail by a compose hook.

A link ``https://shop.example.jp/tea?id=3`` of delivery ``tok`` becomes
``<DAIFUKU_PUBLIC_URL>/m/c/tok/<the address, base64url>/<signature>``; the signature is an
HMAC-SHA256 over the token and the address with the install's ``SECRET_KEY`` and a salt of
its own, so only addresses this install put into a mail can be redirected to: a link whose
address, token or signature was changed is refused (a 400 page, never a redirect). The
redirect needs no database read — the address travels in the link.

Not rewritten: ``mailto:``, ``tel:`` and anything not http(s); the unsubscribe links
(``/m/u/``: a person refusing mail is not a click, and some mail programs call that URL
themselves); this install's own tracking addresses; links marked ``data-notrack``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import re
from urllib.parse import urlsplit

from django.conf import settings

from ..mailing.hooks import OutgoingMail

SALT = b"daifuku.marketing.tracking.click"
SIGNATURE_CHARS = 22  # 132 bits of the HMAC, base64url
MAX_URL = 2000
TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

_ANCHOR = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"""(\shref\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.IGNORECASE)
_NOTRACK = re.compile(r"\sdata-notrack(?:[\s=>/]|$)", re.IGNORECASE)
_TEXT_URL = re.compile(r"https?://[!-~]+")
_TRAILING = ".,;:!?)]}>'\""
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def base_url() -> str:
    return str(getattr(settings, "DAIFUKU_PUBLIC_URL", "")).rstrip("/")


def _keys() -> list[bytes]:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [hashlib.sha256(SALT + str(secret).encode()).digest() for secret in secrets]


_key_cache: dict[tuple, list[bytes]] = {}


def _cached_keys() -> list[bytes]:
    marker = (settings.SECRET_KEY, tuple(getattr(settings, "SECRET_KEY_FALLBACKS", [])))
    keys = _key_cache.get(marker)
    if keys is None:
        _key_cache.clear()
        keys = _key_cache[marker] = _keys()
    return keys


def _sign(key: bytes, token: str, url: str) -> str:
    digest = hmac.new(key, f"{token}\x00{url}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_CHARS]


def signature(token: str, url: str) -> str:
    """The signature of ``url`` in the mail of delivery ``token`` (with the current key)."""
    return _sign(_cached_keys()[0], token, url)


def click_url(token: str, url: str) -> str:
    """The tracked address of ``url`` in the mail of delivery ``token``."""
    packed = base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
    return f"{base_url()}/m/c/{token}/{packed}/{signature(token, url)}"


def open_url(token: str) -> str:
    return f"{base_url()}/m/o/{token}.gif"


def verified_url(token: str, packed: str, sig: str) -> str | None:
    """The address a click link leads to when its signature holds, else None (a tampered,
    truncated or foreign link). Keys of ``SECRET_KEY_FALLBACKS`` still verify, so mails
    sent before a key rotation keep working."""
    if not TOKEN.match(token) or len(sig) != SIGNATURE_CHARS or len(packed) > MAX_URL * 2:
        return None
    try:
        url = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)).decode()
    except (binascii.Error, ValueError):
        return None
    if not trackable(url):
        return None
    for key in _cached_keys():
        if hmac.compare_digest(_sign(key, token, url), sig):
            return url
    return None


def trackable(url: str) -> bool:
    """Whether a link's address is one a click should be counted on."""
    if len(url) > MAX_URL or not url.lower().startswith(("http://", "https://")):
        return False
    if any(ord(ch) < 0x21 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if not parts.netloc:
        return False
    if parts.path.startswith("/m/u/"):  # unsubscribe (the law engineer's addresses)
        return False
    base = base_url()
    return not (base and url.startswith(f"{base}/m/"))


def rewrite_html(body: str, token: str) -> str:
    """Every tracked link of an HTML body replaced by its signed redirect."""

    def anchor(match: re.Match) -> str:
        tag = match.group(0)
        if _NOTRACK.search(tag):
            return tag

        def href(found: re.Match) -> str:
            raw = next(g for g in found.groups()[1:] if g is not None)
            url = html.unescape(raw).strip()
            if not trackable(url):
                return found.group(0)
            return f'{found.group(1)}"{html.escape(click_url(token, url))}"'

        return _HREF.sub(href, tag, count=1)

    return _ANCHOR.sub(anchor, body)


def rewrite_text(body: str, token: str) -> str:
    """Every http(s) address of a plain-text body replaced by its signed redirect."""

    def address(match: re.Match) -> str:
        url = match.group(0)
        tail = ""
        while url and url[-1] in _TRAILING:
            url, tail = url[:-1], url[-1] + tail
        if not trackable(url):
            return match.group(0)
        return click_url(token, url) + tail

    return _TEXT_URL.sub(address, body)


def pixel_tag(token: str) -> str:
    return (
        f'<img src="{html.escape(open_url(token))}" width="1" height="1" alt="" '
        'style="display:block;width:1px;height:1px;border:0;margin:0;padding:0">'
    )


def add_pixel(body: str, token: str) -> str:
    """The open pixel at the end of the HTML body (before ``</body>`` when there is one)."""
    ends = list(_BODY_END.finditer(body))
    if ends:
        at = ends[-1].start()
        return body[:at] + pixel_tag(token) + body[at:]
    return body + pixel_tag(token)


def compose_hook(mail: OutgoingMail) -> None:
    """Registered with ``mailing.hooks.register_compose_hook``: links and pixel of one mail."""
    if not mail.token:
        return
    if mail.html:
        mail.html = add_pixel(rewrite_html(mail.html, mail.token), mail.token)
    if mail.text:
        mail.text = rewrite_text(mail.text, mail.token)
