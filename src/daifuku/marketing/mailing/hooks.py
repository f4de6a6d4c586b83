"""Registries the delivery engine calls for every message and every campaign.

Each part of marketing mail registers here from ``MarketingConfig.ready`` instead of the
engine importing it: the law's unsubscribe headers and footer, tracking's link rewriting
and open pixel, the bounce handler's VERP return path, DKIM's signature. The engine renders
one recipient's mail into an :class:`OutgoingMail`, runs the compose hooks over it (in
``order``), encodes it once, then passes the bytes through the bytes hooks (a signature must
see the final bytes, so DKIM registers there, last).

Pre-send checks work the same way: :func:`preflight_problems` gathers what every registered
check finds wrong with a campaign (a missing 特定電子メール法 display item, a From domain
without SPF …); a problem that ``blocks`` stops the send, the others are warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class OutgoingMail:
    """One recipient's message after the template was rendered and before MIME encoding.

    ``headers`` are extra headers (name → value, str); ``envelope_from`` is the SMTP
    MAIL FROM (the bounce address), empty = the From address."""

    delivery_id: int
    token: str
    email: str
    person_id: int | None
    campaign_id: int
    subject: str
    html: str
    text: str
    from_name: str
    from_email: str
    headers: dict[str, str] = field(default_factory=dict)
    envelope_from: str = ""
    is_advertising: bool = True


@dataclass(frozen=True)
class Problem:
    """Something wrong with a campaign found before it is sent. ``code`` is stable (the API
    returns it), ``message`` is translated, ``blocks`` says whether the send must stop."""

    code: str
    message: str
    blocks: bool = True
    field: str = ""


ComposeHook = Callable[[OutgoingMail], None]
BytesHook = Callable[[bytes, OutgoingMail], bytes]
PreflightCheck = Callable[[Any], list[Problem]]

_compose: list[tuple[int, ComposeHook]] = []
_bytes: list[tuple[int, BytesHook]] = []
_preflight: list[tuple[int, PreflightCheck]] = []


def _add(registry: list, order: int, fn: Callable) -> None:
    if all(existing is not fn for _, existing in registry):
        registry.append((order, fn))
        registry.sort(key=lambda pair: pair[0])


def register_compose_hook(fn: ComposeHook, *, order: int = 100) -> None:
    """Run ``fn`` on every outgoing mail before it is encoded (lower ``order`` first)."""
    _add(_compose, order, fn)


def register_bytes_hook(fn: BytesHook, *, order: int = 100) -> None:
    """Run ``fn`` on every encoded message; what it returns is what is sent."""
    _add(_bytes, order, fn)


def register_preflight_check(fn: PreflightCheck, *, order: int = 100) -> None:
    """Add a pre-send check: ``fn(campaign)`` returns the problems it finds."""
    _add(_preflight, order, fn)


def compose(mail: OutgoingMail) -> OutgoingMail:
    for _, fn in _compose:
        fn(mail)
    return mail


def finish_bytes(message: bytes, mail: OutgoingMail) -> bytes:
    for _, fn in _bytes:
        message = fn(message, mail)
    return message


def preflight_problems(campaign: Any) -> list[Problem]:
    """Every problem every registered check finds with ``campaign``, blocking ones first."""
    problems: list[Problem] = []
    for _, fn in _preflight:
        problems.extend(fn(campaign))
    return sorted(problems, key=lambda problem: not problem.blocks)
