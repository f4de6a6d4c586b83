"""Outgoing mail as bytes: MIME built once per campaign, personalised per recipient.

Python's ``email`` package builds a message object tree and serialises it again for every
recipient (≈ 0.5 ms each). A campaign's messages differ only in a few headers and the two
rendered bodies, so :class:`MessageShape` fixes everything else once — the multipart
boundary, the part headers, ``MIME-Version``, an encoded From or subject it has already
seen — and :meth:`MessageShape.encode` joins the per-recipient pieces: base64 bodies
(binascii, in C) and headers folded by hand.

Japanese text in headers (subject, sender name) is written as RFC 2047 encoded words in
UTF-8, each word at most 75 characters and never splitting a character, one word per folded
line, so every mail client reads 「田中様へ 春のご案内」 back exactly. Bodies are UTF-8 in
base64 (lines of 76 characters, CRLF), which no relay re-encodes.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from email.utils import formatdate
from functools import lru_cache

from ..mailing.hooks import OutgoingMail

CRLF = b"\r\n"
# RFC 2047: an encoded word is at most 75 characters; "=?UTF-8?B?" + "?=" leave 63 for the
# text, and 45 bytes make 60 base64 characters (a multiple of 3: no padding mid-header).
WORD_BYTES = 45
# A folded header line stays under RFC 5322's recommended 78 characters.
FOLD_AT = 76
_SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]')


def _is_plain(value: str) -> bool:
    return value.isascii() and "\r" not in value and "\n" not in value and "=?" not in value


def encoded_words(value: str, first_bytes: int = WORD_BYTES) -> list[str]:
    """``value`` as RFC 2047 base64 encoded words of whole UTF-8 characters (the first
    word carrying at most ``first_bytes``: it shares its line with the header's name)."""
    words: list[str] = []
    chunk = b""
    limit = first_bytes
    for char in value:
        data = char.encode("utf-8")
        if len(chunk) + len(data) > limit and chunk:
            limit = WORD_BYTES
            words.append(_word(chunk))
            chunk = b""
        chunk += data
    if chunk or not words:
        words.append(_word(chunk))
    return words


def _word(data: bytes) -> str:
    return "=?UTF-8?B?" + base64.b64encode(data).decode("ascii") + "?="


def _first_bytes(name: str) -> int:
    """Bytes the first encoded word may carry so ``Name: =?UTF-8?B?…?=`` fits one line."""
    room = FOLD_AT - len(name) - 2 - len("=?UTF-8?B??=")
    return max(3, 3 * (room // 4))


def fold(name: str, tokens: list[str]) -> bytes:
    """A header line ``name: token token …`` folded between tokens before ``FOLD_AT``."""
    lines: list[str] = []
    line = f"{name}:"
    for token in tokens:
        if len(line) + 1 + len(token) > FOLD_AT and line != f"{name}:":
            lines.append(line)
            line = ""
        line += " " + token
    lines.append(line)
    return "\r\n".join(lines).encode("ascii") + CRLF


@lru_cache(maxsize=4096)
def text_header(name: str, value: str) -> bytes:
    """An unstructured header (Subject, a hook's header): ASCII folded at spaces, anything
    else as encoded words (cached: a campaign repeats its subject and sender)."""
    value = " ".join(value.splitlines())
    if _is_plain(value):
        return fold(name, value.split(" ") if value else [""])
    return fold(name, encoded_words(value, _first_bytes(name)))


@lru_cache(maxsize=1024)
def address_header(name: str, display: str, address: str) -> bytes:
    """``From: 店長 山田 <shop@example.jp>`` with the display name encoded when it must be."""
    if not display:
        return fold(name, [address])
    if _is_plain(display):
        shown = f'"{display}"' if _SPECIALS.search(display) else display
        return fold(name, [*shown.split(" "), f"<{address}>"])
    return fold(name, [*encoded_words(display, _first_bytes(name)), f"<{address}>"])


def body_part(data: str) -> bytes:
    """UTF-8 base64 in lines of 76 characters ending CRLF."""
    raw = data.encode("utf-8")
    out = []
    for start in range(0, len(raw), 57):  # 57 bytes → 76 base64 characters
        out.append(binascii.b2a_base64(raw[start : start + 57], newline=False))
    return CRLF.join(out) + CRLF


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().lower() or "localhost"


def message_id(token: str, from_email: str) -> str:
    """The delivery's own Message-ID: a resend would carry the same one, so a receiving
    server (and our tests) can tell a duplicate, and a bounce names the delivery."""
    return f"<{token}@{domain_of(from_email)}>"


class MessageShape:
    """What every message of one campaign shares, built once (see the module's text)."""

    TEXT_HEADERS = (
        b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n'
    )
    HTML_HEADERS = (
        b'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n'
    )

    def __init__(self, *, reply_to: str = "") -> None:
        self.boundary = b"=_daifuku_" + secrets.token_hex(12).encode("ascii")
        self.multipart = (
            b"MIME-Version: 1.0\r\n"
            b'Content-Type: multipart/alternative; boundary="' + self.boundary + b'"\r\n'
        )
        self.reply_to = address_header("Reply-To", "", reply_to) if reply_to else b""
        self.opening = b"--" + self.boundary + CRLF
        self.closing = b"--" + self.boundary + b"--" + CRLF
        self._date_second = -1
        self._date = b""

    def date_header(self, now: float) -> bytes:
        second = int(now)
        if second != self._date_second:
            self._date_second = second
            self._date = b"Date: " + formatdate(second, localtime=True).encode("ascii") + CRLF
        return self._date

    def encode(self, mail: OutgoingMail, *, msgid: str, now: float) -> bytes:
        """The message as it goes on the wire (CRLF line ends, before SMTP dot-stuffing)."""
        head = [
            b"Message-ID: " + msgid.encode("ascii") + CRLF,
            self.date_header(now),
            address_header("From", mail.from_name, mail.from_email),
            address_header("To", "", mail.email),
            text_header("Subject", mail.subject),
            self.reply_to,
        ]
        for name, value in mail.headers.items():
            head.append(text_header(name, value))
        head.append(b"X-Daifuku-Delivery: " + mail.token.encode("ascii") + CRLF)
        if mail.text and mail.html:
            return b"".join(
                [
                    *head,
                    self.multipart,
                    CRLF,
                    self.opening,
                    self.TEXT_HEADERS,
                    CRLF,
                    body_part(mail.text),
                    self.opening,
                    self.HTML_HEADERS,
                    CRLF,
                    body_part(mail.html),
                    self.closing,
                ]
            )
        single = self.HTML_HEADERS if mail.html and not mail.text else self.TEXT_HEADERS
        return b"".join(
            [*head, b"MIME-Version: 1.0\r\n", single, CRLF, body_part(mail.html or mail.text)]
        )


__all__ = [
    "MessageShape",
    "address_header",
    "body_part",
    "encoded_words",
    "message_id",
    "text_header",
]
