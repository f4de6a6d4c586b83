"""VERP (variable envelope return path): every campaign mail goes out with the SMTP
``MAIL FROM`` ``<local>+b-<token>@<bounce domain>`` built from ``DAIFUKU_BOUNCE_ADDRESS``,
so a bounce arriving at that address names its delivery in the address it was sent to,
whatever the returning server writes in its report. Every mail also carries the
``X-Daifuku-Delivery: <token>`` header, which most reports quote back — the way to match
when no bounce address is set (the envelope then stays the From address)."""

from __future__ import annotations

import re

from django.conf import settings

from ..mailing.hooks import OutgoingMail

HEADER = "X-Daifuku-Delivery"
# tokens are secrets.token_urlsafe(16)[:22]: letters, digits, "-" and "_"
TOKEN_RE = r"[A-Za-z0-9_-]{8,32}"
VERP_RE = re.compile(r"\+b-(" + TOKEN_RE + r")@", re.IGNORECASE)


def bounce_address() -> str:
    """The configured bounce mailbox (``bounce@mail.example.jp``), or ``""``."""
    return (getattr(settings, "DAIFUKU_BOUNCE_ADDRESS", "") or "").strip()


def verp_address(token: str, base: str | None = None) -> str:
    """``bounce@mail.example.jp`` + token → ``bounce+b-<token>@mail.example.jp``."""
    base = bounce_address() if base is None else base
    local, _, domain = base.rpartition("@")
    if not local or not domain:
        return ""
    return f"{local}+b-{token}@{domain}"


def tokens_in(text: str) -> list[str]:
    """The delivery tokens of every VERP address in ``text`` (an address or a header)."""
    return VERP_RE.findall(text or "")


def add_return_path(mail: OutgoingMail) -> None:
    """Compose hook: the tracking header always, the VERP envelope when configured."""
    if not mail.token:
        return
    mail.headers.setdefault(HEADER, mail.token)
    address = verp_address(mail.token)
    if address:
        mail.envelope_from = address
