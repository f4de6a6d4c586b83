"""Conditional requests of the API (RFC 9110 §13.1.1, ``If-Match``).

Versioned records answer ``ETag: "<version>"``. A client sends it back as ``If-Match`` to
say "change it only if nobody changed it since I read it". The header may be ``*`` (any
current version matches) or a comma-separated list of entity tags (a match if any of them
is the current one). A weak tag (``W/"3"``) is compared by its version too: a proxy that
compresses responses weakens the ETags it passes on, and our version numbers are exact.
"""

from __future__ import annotations

from .errors import PreconditionFailed


def if_match_version(request, current_version: int) -> int | None:
    """The version the client's ``If-Match`` agrees to change: ``None`` without the header,
    ``current_version`` when the header matches it (the service then still refuses if
    someone else saves first), :class:`PreconditionFailed` (412) when it does not."""
    header = request.META.get("HTTP_IF_MATCH")
    if header is None or not header.strip():
        return None
    if header.strip() == "*":
        return current_version
    for tag in header.split(","):
        value = tag.strip().removeprefix("W/").strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if value.isascii() and value.isdigit() and int(value) == current_version:
            return current_version
    raise PreconditionFailed()
