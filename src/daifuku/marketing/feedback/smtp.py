"""A small SMTP receiver for bounces and complaints (``daifuku bounces --listen
127.0.0.1:2525``): point the bounce domain's MX (or the MTA's transport for it) at this
port and every DSN or ARF report is recorded as it arrives, without a mailbox in between.

It accepts mail only for the bounce address's domain when ``DAIFUKU_BOUNCE_ADDRESS`` is set
(anything else is refused with 550), answers 250 once the report is recorded (or found to
need nothing), and 451 when the database could not record it, so the sending server tries
again later — recording twice is harmless (:mod:`.intake`).

STARTTLS (RFC 3207) is offered when a certificate is configured:
``DAIFUKU_BOUNCE_SMTP_TLS_CERT`` (PEM, the chain) and ``DAIFUKU_BOUNCE_SMTP_TLS_KEY`` (PEM;
empty when the key is in the certificate file). ``DAIFUKU_BOUNCE_SMTP_REQUIRE_TLS`` refuses
every command but EHLO, NOOP, QUIT and STARTTLS until the session is encrypted — off by
default, since a server that the bounce domain's MX points at must not require TLS of
the Internet's servers (RFC 3207, section 4); turn it on when only your own MTA relays
reports here."""

from __future__ import annotations

import logging
import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from .intake import Outcome, process
from .verp import bounce_address

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024


def _record(raw: bytes, recipients: list[str]) -> Outcome:
    """Record one report on this thread's own connection, closed afterwards: reports are
    few, and a receiver running for weeks must not keep a connection the database has
    long since dropped."""
    try:
        return process(raw, envelope_recipients=recipients)
    finally:
        connection.close()


class FeedbackHandler:
    """aiosmtpd handler: RCPT checks the domain, DATA records the report."""

    def __init__(self, domain: str | None = None) -> None:
        if domain is None:
            domain = bounce_address().rpartition("@")[2]
        self.domain = domain.lower()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options
    ) -> str:
        if self.domain and address.rpartition("@")[2].lower() != self.domain:
            return "550 5.1.1 Not a bounce address here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            outcome = await sync_to_async(_record, thread_sensitive=False)(
                raw, list(envelope.rcpt_tos)
            )
        except Exception:
            log.exception("bounce receiver: a report could not be recorded")
            return "451 4.3.0 Could not record the report now, try again later"
        log.info("bounce receiver: %s (%s)", outcome.outcome, outcome.format)
        return f"250 2.0.0 Accepted ({outcome.outcome})"


def tls_context(cert: str, key: str = "") -> ssl.SSLContext:
    """A server context for STARTTLS from PEM files (TLS 1.2 at least)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key or None)
    except (OSError, ssl.SSLError) as error:
        raise ImproperlyConfigured(
            f"DAIFUKU_BOUNCE_SMTP_TLS_CERT / _KEY cannot be loaded: {error}"
        ) from error
    return context


def tls_from_settings() -> tuple[ssl.SSLContext | None, bool]:
    """``(context or None, require STARTTLS)`` as the settings say."""
    cert = getattr(settings, "DAIFUKU_BOUNCE_SMTP_TLS_CERT", "") or ""
    key = getattr(settings, "DAIFUKU_BOUNCE_SMTP_TLS_KEY", "") or ""
    require = bool(getattr(settings, "DAIFUKU_BOUNCE_SMTP_REQUIRE_TLS", False))
    if not cert:
        if key or require:
            raise ImproperlyConfigured(
                "Set DAIFUKU_BOUNCE_SMTP_TLS_CERT to offer STARTTLS on the bounce receiver."
            )
        return None, False
    return tls_context(cert, key), require


def controller(
    host: str,
    port: int,
    *,
    domain: str | None = None,
    tls: tuple[ssl.SSLContext | None, bool] | None = None,
) -> Controller:
    """A started-on-demand receiver (``.start()`` / ``.stop()``) on ``host:port``; ``tls``
    is ``(context, require STARTTLS)``, from the settings unless given."""
    context, require = tls_from_settings() if tls is None else tls
    return Controller(
        FeedbackHandler(domain),
        hostname=host,
        port=port,
        data_size_limit=MAX_BYTES,
        decode_data=False,
        ready_timeout=10,
        tls_context=context,
        require_starttls=require,
    )
