"""The bounce mailbox read over IMAP: the job ``marketing.poll_bounce_mailbox`` logs in
with ``DAIFUKU_BOUNCE_IMAP_*`` every few minutes, reads every unread message of the folder
and records it (:mod:`.intake`).

What happens to a message afterwards: a recorded bounce or complaint (or one recorded
before) is flagged ``\\Seen`` and moved to ``DAIFUKU_BOUNCE_IMAP_PROCESSED_FOLDER`` — or
deleted when none is set; a message that is not a bounce, names no mail of ours or could
not be read is flagged ``\\Seen`` and left where it is for a person to look at. Reading the
same message twice records it once, so a poll cut short is simply run again."""

from __future__ import annotations

import imaplib
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

from .intake import process

log = logging.getLogger(__name__)

RECORDED = {"bounced", "soft_bounce", "complaint", "duplicate"}


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int = 993
    user: str = ""
    password: str = ""
    folder: str = "INBOX"
    ssl: bool = True
    processed_folder: str = ""
    timeout: float = 30.0

    @classmethod
    def from_settings(cls) -> MailboxSettings | None:
        """The configured mailbox, or None when ``DAIFUKU_BOUNCE_IMAP_HOST`` is empty."""
        host = getattr(settings, "DAIFUKU_BOUNCE_IMAP_HOST", "")
        if not host:
            return None
        return cls(
            host=host,
            port=int(getattr(settings, "DAIFUKU_BOUNCE_IMAP_PORT", 993)),
            user=getattr(settings, "DAIFUKU_BOUNCE_IMAP_USER", ""),
            password=getattr(settings, "DAIFUKU_BOUNCE_IMAP_PASSWORD", ""),
            folder=getattr(settings, "DAIFUKU_BOUNCE_IMAP_FOLDER", "") or "INBOX",
            ssl=bool(getattr(settings, "DAIFUKU_BOUNCE_IMAP_SSL", True)),
            processed_folder=getattr(settings, "DAIFUKU_BOUNCE_IMAP_PROCESSED_FOLDER", ""),
        )


@dataclass
class PollResult:
    """How one poll went: how many messages of each outcome, and how many were left in
    the folder for a person."""

    outcomes: Counter = field(default_factory=Counter)
    left: int = 0

    @property
    def read(self) -> int:
        return sum(self.outcomes.values())


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(response: tuple, what: str) -> list:
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what}: {status} {data!r}")
    return data


def _connect(box: MailboxSettings) -> imaplib.IMAP4:
    if box.ssl:
        return imaplib.IMAP4_SSL(box.host, box.port, timeout=box.timeout)
    return imaplib.IMAP4(box.host, box.port, timeout=box.timeout)


def _message_bytes(data: list) -> bytes:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return b""


def _put_away(client: imaplib.IMAP4, uid: str, box: MailboxSettings, can_move: bool) -> None:
    """A recorded message leaves the folder: moved to the processed folder, or deleted."""
    if box.processed_folder:
        target = _quote(box.processed_folder)
        if can_move:
            _check(client.uid("MOVE", uid, target), "MOVE")
            return
        _check(client.uid("COPY", uid, target), "COPY")
    _check(client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"), "STORE")


def poll(box: MailboxSettings, *, limit: int = 500) -> PollResult:
    """Read up to ``limit`` unread messages of the folder and record them."""
    result = PollResult()
    client = _connect(box)
    try:
        _check(client.login(box.user, box.password), "LOGIN")
        if box.processed_folder:
            client.create(_quote(box.processed_folder))  # "already exists" is fine
        _check(client.select(_quote(box.folder)), "SELECT")
        # the capabilities after login (imaplib keeps the greeting's, which may lack MOVE)
        can_move = b"MOVE" in b" ".join(_check(client.capability(), "CAPABILITY")).upper().split()
        # imaplib sends no charset when none is given (``SEARCH UNSEEN``); UIDs are ASCII
        found = _check(client.uid("SEARCH", "UNSEEN"), "SEARCH")[0] or b""
        uids = [uid.decode("ascii") for uid in found.split()]
        for uid in uids[:limit]:
            raw = _message_bytes(_check(client.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH"))
            try:
                outcome = process(raw).outcome
            except Exception:  # one unreadable message must not stop the mailbox
                log.exception("bounce mailbox: message %s could not be recorded", uid)
                outcome = "error"
            result.outcomes[outcome] += 1
            _check(client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"), "STORE")
            if outcome in RECORDED:
                _put_away(client, uid, box, can_move)
            else:
                result.left += 1
        client.expunge()
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return result


def poll_configured() -> PollResult | None:
    """The scheduled job's body: poll the configured mailbox (nothing when none is)."""
    box = MailboxSettings.from_settings()
    if box is None:
        return None
    result = poll(box)
    if result.read:
        log.info("bounce mailbox: %s", dict(result.outcomes))
    return result
