"""Unsubscribe links (配信停止): the signed token of one delivery, the addresses built on it
and what a mail template may show with it.

The link names a :class:`~daifuku.marketing.models.Delivery` by its random ``token``,
signed (HMAC over the token with ``SECRET_KEY`` and a salt of its own) so nobody can
unsubscribe someone else by guessing. The same signed token is the subject of the mailto
refusal (``unsubscribe-<signed token>``), so a refusal mail names its delivery too.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings
from django.core import signing

SALT = "daifuku.marketing.unsubscribe"
SUBJECT_PREFIX = "unsubscribe-"
_SUBJECT = re.compile(r"unsubscribe-([A-Za-z0-9_\-]+:[A-Za-z0-9_\-]+)")


def sign(token: str) -> str:
    """``<token>:<signature>`` — safe in a URL path and a mail subject."""
    return signing.Signer(salt=SALT).sign(token)


def unsign(signed: str) -> str | None:
    """The delivery token of a signed token, ``None`` when it was changed or made up."""
    try:
        return signing.Signer(salt=SALT).unsign(signed or "")
    except signing.BadSignature:
        return None


def base_url() -> str:
    return str(getattr(settings, "DAIFUKU_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def url_for(token: str) -> str:
    """The one-click address of a delivery (``List-Unsubscribe`` and the mail's footer)."""
    return f"{base_url()}/m/u/{sign(token)}"


def preferences_url_for(token: str) -> str:
    """The page where the recipient chooses topics or refuses everything."""
    return f"{url_for(token)}/topics"


def mailto_for(token: str, address: str) -> str:
    """``mailto:`` refusal for mail programs that do not POST (RFC 2369)."""
    return f"mailto:{address}?subject={quote(SUBJECT_PREFIX + sign(token), safe=':')}"


def token_from_subject(subject: str) -> str | None:
    """The delivery token named by a refusal mail's subject (``unsubscribe-<signed>``), for
    whatever reads the unsubscribe mailbox; ``None`` when there is none or it is forged."""
    found = _SUBJECT.search(subject or "")
    return unsign(found.group(1)) if found else None


def context_for(token: str) -> dict[str, str]:
    """Merge fields a template may use for its own footer: ``{{ unsubscribe_url }}`` and
    ``{{ preferences_url }}`` (the sender's ``{{ sender_name }}``, ``{{ sender_address }}``,
    ``{{ sender_contact }}`` come from :func:`daifuku.marketing.selectors.sender.sender_context`)."""
    return {"unsubscribe_url": url_for(token), "preferences_url": preferences_url_for(token)}
