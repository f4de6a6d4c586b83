"""Reading what comes back to the bounce address, with no database: a delivery status
notification (DSN, RFC 3464 ``multipart/report; report-type=delivery-status``), a
complaint forwarded by a mailbox provider's feedback loop (ARF, RFC 5965
``report-type=feedback-report``), or a plain-text bounce from an older server that quotes
the original headers. The result, a :class:`Report`, says what happened (a permanent
failure, a temporary one, a complaint, or nothing to act on) and lists every clue that
names the delivery: VERP tokens, ``X-Daifuku-Delivery`` values, Message-IDs.

Status codes: ``5.x.x`` (or an ``Action: failed`` without one) is a hard bounce — the
address does not take mail; ``4.x.x`` or ``Action: delayed`` is a soft bounce (a full
mailbox, a server down) and is only counted (docs/mail-deliverability.md)."""

from __future__ import annotations

import base64
import binascii
import email
import email.utils
import hashlib
import logging
import quopri
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message

from .verp import HEADER, TOKEN_RE, tokens_in

log = logging.getLogger(__name__)

HARD = "bounce"
SOFT = "soft_bounce"
COMPLAINT = "complaint"
IGNORE = "ignore"

STATUS_RE = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
SMTP_CODE_RE = re.compile(r"(?:^|[\s:(\[])([45])\d\d(?:[\s-]|$)", re.MULTILINE)
HEADER_RE = re.compile(r"^" + HEADER + r":\s*(" + TOKEN_RE + r")\s*$", re.IGNORECASE | re.MULTILINE)
MESSAGE_ID_RE = re.compile(r"^Message-ID:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)
ADDRESS_RE = re.compile(r"[A-Za-z0-9._%+'=-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
BOUNCE_SUBJECT_RE = re.compile(
    r"undeliver|returned mail|delivery (status|failure|has failed)|failure notice|"
    r"mail delivery (failed|failure|subsystem)|could not be delivered|non-?delivery|"
    r"配信不能|配送不能|送信できません|エラー|不達|宛先不明",
    re.IGNORECASE,
)
BOUNCE_SENDER_RE = re.compile(r"mailer-daemon|postmaster|mail delivery", re.IGNORECASE)
HARD_PHRASES = re.compile(
    r"user unknown|no such user|unknown user|does not exist|mailbox unavailable|"
    r"no mailbox here|recipient address rejected|address rejected|invalid recipient|"
    r"存在しません|見つかりません",
    re.IGNORECASE,
)


@dataclass
class Recipient:
    """One recipient block of a DSN (or what a plain-text bounce says about one)."""

    email: str
    action: str = ""
    status: str = ""
    diagnostic: str = ""

    @property
    def kind(self) -> str:
        action = self.action.lower()
        if action in {"delivered", "relayed", "expanded"}:
            return IGNORE
        if self.status.startswith("5"):
            return HARD
        if self.status.startswith("4") or action == "delayed":
            return SOFT
        if action == "failed":
            return HARD
        return SOFT


@dataclass
class Report:
    """What one returned message means. ``kind`` is :data:`HARD`, :data:`SOFT`,
    :data:`COMPLAINT` or :data:`IGNORE`; ``source_id`` names the report itself (its
    Message-ID, else a hash of its bytes) so reading it twice records it once."""

    kind: str
    source_id: str
    format: str  # "dsn", "arf", "text" or "other"
    recipients: list[Recipient] = field(default_factory=list)
    verp_tokens: list[str] = field(default_factory=list)
    header_tokens: list[str] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    feedback_type: str = ""
    user_agent: str = ""
    subject: str = ""

    @property
    def status(self) -> str:
        return next((r.status for r in self.recipients if r.status), "")

    @property
    def diagnostic(self) -> str:
        return next((r.diagnostic for r in self.recipients if r.diagnostic), "")[:500]


def _fields(part: Message) -> list[Message]:
    """The field blocks of a ``message/delivery-status`` or ``message/feedback-report``
    part: the stdlib parses the first into a list of blocks, the second into one message
    (or leaves it as text when its transfer encoding hides it)."""
    payload = part.get_payload()
    encoding = str(part.get("Content-Transfer-Encoding") or "").strip().lower()
    if encoding in {"base64", "quoted-printable"}:
        # some servers (older Exchange) encode the report: the stdlib then parses the
        # encoded text as fields; take the text back, decode it and read the blocks
        pieces = payload if isinstance(payload, list) else [payload]
        text = "".join(
            (p.as_string(policy=policy.compat32) if isinstance(p, Message) else str(p))
            for p in pieces
        )
        try:
            decoded = (
                base64.b64decode(text.encode("ascii", "ignore"))
                if encoding == "base64"
                else quopri.decodestring(text.encode("utf-8", "replace"))
            )
        except (binascii.Error, ValueError):
            return []
        return _blocks(decoded)
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    if isinstance(payload, Message):
        return [payload]
    return _blocks(_payload_bytes(part))


def _payload_bytes(part: Message) -> bytes:
    """The part's body decoded from its transfer encoding (empty for a multipart)."""
    raw = part.get_payload(decode=True)
    return raw if isinstance(raw, bytes) else b""


def _blocks(text: bytes) -> list[Message]:
    blocks = re.split(rb"\r?\n\s*\r?\n", text.strip())
    return [email.message_from_bytes(block, policy=policy.compat32) for block in blocks if block]


def _address(value: str) -> str:
    """``rfc822; User@Example.jp`` → ``User@Example.jp``."""
    value = (value or "").strip()
    if ";" in value:
        value = value.split(";", 1)[1]
    return value.strip().strip("<>").strip()


def _one_line(value) -> str:
    return " ".join(str(value or "").split())


def _returned_headers(message: Message) -> list[str]:
    """The text of every returned original message (or its headers) inside the report."""
    found: list[str] = []
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype in {"message/rfc822", "message/global"}:
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else payload
            if isinstance(inner, Message):
                found.append(inner.as_string(policy=policy.compat32))
        elif ctype in {"text/rfc822-headers", "text/global-headers"}:
            found.append(_text(part))
    return found


def _text(part: Message) -> str:
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):  # a multipart: no body of its own
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


def _plain_text(message: Message) -> str:
    """Every text/plain part, decoded (a plain-text bounce quotes the original there)."""
    texts = []
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.is_multipart():
            texts.append(_text(part))
    return "\n".join(texts)


def _clues(report: Report, message: Message, texts: list[str], envelope: list[str]) -> None:
    """Fill the report's tokens and Message-IDs from the envelope, the report's own
    recipient headers and the returned original."""
    own = [
        *envelope,
        *[
            str(v)
            for name in ("To", "Delivered-To", "X-Original-To", "Envelope-To")
            for v in (message.get_all(name) or [])
        ],
    ]
    for value in own:
        report.verp_tokens.extend(t for t in tokens_in(value) if t not in report.verp_tokens)
    for text in texts:
        for token in HEADER_RE.findall(text):
            if token not in report.header_tokens:
                report.header_tokens.append(token)
        for mid in MESSAGE_ID_RE.findall(text):
            if mid not in report.message_ids:
                report.message_ids.append(mid)
        # a bounce may quote the VERP return path itself (Return-Path of the original)
        for token in tokens_in(text):
            if token not in report.verp_tokens:
                report.verp_tokens.append(token)


def _source_id(message: Message, raw: bytes) -> str:
    mid = _one_line(message.get("Message-ID"))
    return mid[:200] if mid else "sha256:" + hashlib.sha256(raw).hexdigest()


def _dsn(message: Message, report: Report) -> None:
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _fields(part):
            original = _one_line(block.get("X-Original-Message-ID"))
            if original and original not in report.message_ids:
                report.message_ids.append(original)
            final = block.get("Final-Recipient") or block.get("Original-Recipient")
            if not final:
                continue
            status_match = STATUS_RE.search(str(block.get("Status") or ""))
            report.recipients.append(
                Recipient(
                    email=_address(str(final)),
                    action=_one_line(block.get("Action")).lower(),
                    status=status_match.group(0) if status_match else "",
                    diagnostic=_one_line(block.get("Diagnostic-Code")),
                )
            )
    kinds = [r.kind for r in report.recipients]
    report.kind = HARD if HARD in kinds else SOFT if SOFT in kinds else IGNORE


def _arf(message: Message, report: Report) -> None:
    for part in message.walk():
        if part.get_content_type() != "message/feedback-report":
            continue
        for block in _fields(part):
            report.feedback_type = _one_line(block.get("Feedback-Type")).lower()
            report.user_agent = _one_line(block.get("User-Agent"))[:200]
            report.verp_tokens.extend(tokens_in(str(block.get("Original-Mail-From") or "")))
            rcpt = block.get("Original-Rcpt-To")
            if rcpt:
                report.recipients.append(Recipient(email=_address(str(rcpt))))
            break
    # RFC 5965: "abuse" is the complaint; "not-spam" undoes nothing we did; "virus",
    # "fraud", "other" still mean the recipient does not want the mail
    report.kind = IGNORE if report.feedback_type == "not-spam" else COMPLAINT


def _plain_bounce(message: Message, text: str, report: Report) -> None:
    """An older server's bounce: a text body saying why, quoting the original. Hard when
    it states a 5.x.x / 5xx code or a known "no such user" phrase; soft otherwise."""
    statuses = STATUS_RE.findall(text)
    status = next((".".join(s) for s in statuses if s[0] in "45"), "")
    codes = SMTP_CODE_RE.findall(text)
    hard = (
        status.startswith("5") or (not status and "5" in codes) or bool(HARD_PHRASES.search(text))
    )
    if status.startswith("4") and not HARD_PHRASES.search(text):
        hard = False
    diagnostic = ""
    for line in text.splitlines():
        if STATUS_RE.search(line) or SMTP_CODE_RE.search(line) or HARD_PHRASES.search(line):
            diagnostic = _one_line(line)
            break
    quoted_to = re.search(r"^To:\s*(.+)$", text, re.IGNORECASE | re.MULTILINE)
    addresses = ADDRESS_RE.findall(quoted_to.group(1)) if quoted_to else ADDRESS_RE.findall(text)
    report.recipients.append(
        Recipient(
            email=addresses[0] if addresses else "",
            action="failed" if hard else "delayed",
            status=status,
            diagnostic=diagnostic,
        )
    )
    report.kind = HARD if hard else SOFT


def parse(raw: bytes, *, envelope_recipients: list[str] | None = None) -> Report:
    """Read one returned message. ``envelope_recipients`` are the SMTP ``RCPT TO``
    addresses when it arrived by SMTP (the VERP address is there even when the report's
    headers do not show it). Anyone can send anything to the bounce address: a message
    this cannot read is reported as ``IGNORE`` (format ``unreadable``), never an error."""
    try:
        return _parse(raw, envelope_recipients or [])
    except Exception:  # untrusted input: one odd message must not stop an intake
        log.warning("a returned message could not be read", exc_info=True)
        return Report(
            kind=IGNORE, source_id="sha256:" + hashlib.sha256(raw).hexdigest(), format="unreadable"
        )


def _parse(raw: bytes, envelope_recipients: list[str]) -> Report:
    message = email.message_from_bytes(raw, policy=policy.compat32)
    report = Report(
        kind=IGNORE,
        source_id=_source_id(message, raw),
        format="other",
        subject=_one_line(message.get("Subject"))[:200],
    )
    ctype = message.get_content_type()
    param = message.get_param("report-type") if ctype == "multipart/report" else None
    # an RFC 2231 parameter comes as (charset, language, value)
    report_type = str(email.utils.collapse_rfc2231_value(param)).lower() if param else ""
    texts = _returned_headers(message)
    if report_type == "delivery-status":
        report.format = "dsn"
        _dsn(message, report)
    elif report_type == "feedback-report":
        report.format = "arf"
        _arf(message, report)
    else:
        text = _plain_text(message)
        texts.append(text)
        auto_reply = str(message.get("Auto-Submitted") or "").lower().startswith("auto-replied")
        looks_like_bounce = BOUNCE_SUBJECT_RE.search(report.subject) or BOUNCE_SENDER_RE.search(
            str(message.get("From") or "")
        )
        if looks_like_bounce and not auto_reply:
            report.format = "text"
            _plain_bounce(message, text, report)
    _clues(report, message, texts, envelope_recipients)
    return report
