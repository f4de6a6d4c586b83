"""The CRM's own mails (next-action reminders, invitations, password resets, 1:1 mails) go
through the same suppression list as campaigns: an address that bounced, complained or
refused every mail gets nothing more from this system.

``settings.EMAIL_BACKEND`` names :class:`SuppressingEmailBackend`; it removes suppressed
addresses from each message's To, Cc and Bcc, logs and records what it held back, and hands
the rest to the backend that really sends, ``settings.EMAIL_INNER_BACKEND`` (SMTP by
default, through the ``DAIFUKU_EMAIL_*`` settings). A message left with no recipient is
not sent at all.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("daifuku.marketing.mail")


def _inner_name() -> str:
    return getattr(settings, "EMAIL_INNER_BACKEND", "django.core.mail.backends.smtp.EmailBackend")


class SuppressingEmailBackend(BaseEmailBackend):
    """Django's email backend API over another backend, minus suppressed recipients."""

    def __init__(self, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        name = _inner_name()
        if name.endswith("SuppressingEmailBackend"):  # a loop would never send
            name = "django.core.mail.backends.smtp.EmailBackend"
        self.inner = get_connection(name, fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.inner.open()

    def close(self):
        return self.inner.close()

    def send_messages(self, email_messages):
        from .services.suppression import normalise, suppressed_among

        messages = list(email_messages or [])
        if not messages:
            return 0
        everyone = {
            address for message in messages for address in (*message.to, *message.cc, *message.bcc)
        }
        suppressed = suppressed_among(_bare(a) for a in everyone)
        if not suppressed:
            return self.inner.send_messages(messages)
        kept = []
        for message in messages:
            dropped = []
            for attr in ("to", "cc", "bcc"):
                addresses = list(getattr(message, attr))
                allowed = [a for a in addresses if normalise(_bare(a)) not in suppressed]
                dropped.extend(a for a in addresses if a not in allowed)
                setattr(message, attr, allowed)
            if dropped:
                _record(message, dropped)
            if message.to or message.cc or message.bcc:
                kept.append(message)
        return self.inner.send_messages(kept) if kept else 0


def _bare(address: str) -> str:
    """``山田 花子 <hanako@example.jp>`` → ``hanako@example.jp``."""
    from email.utils import parseaddr

    return parseaddr(address)[1] or address


def _record(message, dropped: list[str]) -> None:
    from .services.held_back import record_held_back

    addresses = [_bare(a) for a in dropped]
    logger.warning(
        "mail to suppressed address(es) not sent: %s (subject %r)",
        ", ".join(addresses),
        message.subject,
    )
    record_held_back(addresses=addresses, subject=str(message.subject))
