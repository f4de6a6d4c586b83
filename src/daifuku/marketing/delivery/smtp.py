"""One persistent SMTP connection and what became of each message sent over it.

The engine's promise (never twice, never silently lost) rests on knowing exactly what the
server said. :meth:`Session.send` runs one transaction (MAIL, RCPT, DATA, the message)
and answers with an :class:`Outcome`:

* ``sent`` — the server accepted the message after DATA (250): it is the server's now,
  whatever happens to the connection afterwards;
* ``deferred`` — a 4xx answer (421 busy, 450/451/452, 454 …): try again later;
* ``failed`` — a 5xx answer: the server will never take it;
* ``unknown`` — the connection broke after the message was handed over and before the
  server's answer: it may or may not have been accepted, so it is never sent again;
* ``not_sent`` — the connection broke (or could not be opened) before the message was
  handed over: nothing left us, so it can safely be sent again.

A refused transaction is followed by RSET so the next one starts clean; a broken
connection is dropped and opened again for the next message. With ``PIPELINING`` (RFC
2920, which Postfix offers) MAIL, RCPT and DATA go in one write.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass

SENT, DEFERRED, FAILED, UNKNOWN, NOT_SENT = "sent", "deferred", "failed", "unknown", "not_sent"
_DOTS = re.compile(rb"(?m)^\.")


@dataclass(frozen=True)
class Outcome:
    kind: str
    code: int = 0
    text: str = ""

    @property
    def response(self) -> str:
        return (f"{self.code} {self.text}" if self.code else self.text)[:500]


def _answer(code: int, message: bytes | str) -> tuple[int, str]:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return code, " ".join(text.split())


def refusal(code: int, message: bytes | str) -> Outcome:
    code, text = _answer(code, message)
    return Outcome(DEFERRED if 400 <= code < 500 else FAILED, code, text)


def smtp_address(address: str) -> str | None:
    """The address as SMTP carries it (an IDN domain in punycode); None when its local
    part is not ASCII (that needs SMTPUTF8, which the engine does not speak)."""
    local, _, domain = address.strip().rpartition("@")
    if not local or not local.isascii():
        return None
    try:
        domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        return None
    return f"{local}@{domain}"


class Session:
    """A connection to ``host:port`` opened on first use and kept across messages."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        user: str = "",
        password: str = "",
        use_tls: bool = False,
        timeout: float = 60.0,
        local_hostname: str | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.user, self.password, self.use_tls = user, password, use_tls
        self.timeout = timeout
        self.local_hostname = local_hostname
        self.smtp: smtplib.SMTP | None = None
        self.pipelining = False
        self.connections_opened = 0
        # the next message's envelope, already written after the last message (pipelining)
        self.in_flight: tuple[str, str] | None = None

    # --- the connection ---------------------------------------------------------------
    def open(self) -> None:
        smtp = smtplib.SMTP(timeout=self.timeout, local_hostname=self.local_hostname)
        try:
            code, message = smtp.connect(self.host, self.port)
            if code != 220:
                raise smtplib.SMTPConnectError(code, message)
            smtp.ehlo()
            if self.use_tls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.user:
                smtp.login(self.user, self.password)
        except BaseException:
            _close_quietly(smtp)
            raise
        self.smtp = smtp
        self.pipelining = smtp.has_extn("pipelining")
        self.connections_opened += 1

    def drop(self) -> None:
        self.in_flight = None
        if self.smtp is not None:
            _close_quietly(self.smtp)
            self.smtp = None

    def close(self) -> None:
        """QUIT politely (the end of a run)."""
        if self.in_flight is not None:
            self.drop()  # a server waiting for a message would read QUIT as its text
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.drop()

    def _reset(self) -> None:
        """RSET after a refused transaction; a connection that cannot is dropped."""
        try:
            assert self.smtp is not None
            code, _ = self.smtp.rset()
            if code != 250:
                self.drop()
        except (smtplib.SMTPException, OSError):
            self.drop()

    # --- one transaction --------------------------------------------------------------
    def send(
        self,
        sender: str,
        recipient: str,
        message: bytes,
        *,
        then: tuple[str, str] | None = None,
    ) -> Outcome:
        """Send ``message`` from ``sender`` (MAIL FROM) to ``recipient``; see the module.

        ``then`` names the next message's sender and recipient: with PIPELINING its MAIL,
        RCPT and DATA go in the same write as this message (RFC 2920 allows the message
        text first in a group), so each message costs one round trip; the next
        :meth:`send` for them reads their answers instead of sending them again."""
        envelope_from, rcpt = smtp_address(sender), smtp_address(recipient)
        if rcpt is None or envelope_from is None:
            return Outcome(FAILED, 0, "address needs SMTPUTF8 (non-ASCII local part)")
        ahead = self.in_flight
        self.in_flight = None
        if ahead is not None and ahead != (envelope_from, rcpt):
            self.drop()  # never answer a DATA we did not mean: start over
            ahead = None
        if self.smtp is None:
            try:
                self.open()
            except (smtplib.SMTPException, OSError) as error:
                return _connection_problem(error)
        handed_over = False
        follow = None
        try:
            if ahead is not None:
                replies = [self._reply() for _ in range(3)]
            else:
                replies = self._envelope(envelope_from, rcpt)
            refused = next(((c, m) for c, m in replies[:2] if c not in (250, 251)), None)
            data_code, data_message = replies[2]
            if refused is not None or data_code != 354:
                if data_code == 354:  # a server that said go ahead after refusing: abort
                    self.drop()
                    return refusal(*(refused or (data_code, data_message)))
                outcome = refusal(*(refused or (data_code, data_message)))
                if outcome.code == 421:
                    self.drop()  # the server is closing the connection
                else:
                    self._reset()
                return outcome
            payload = _DOTS.sub(b"..", message)
            if not payload.endswith(b"\r\n"):
                payload += b"\r\n"
            group = payload + b".\r\n"
            if then is not None and self.pipelining:
                follow = (smtp_address(then[0]), smtp_address(then[1]))
                if None in follow:
                    follow = None
                else:
                    group += _commands(*follow)  # type: ignore[arg-type]
            handed_over = True
            self._write(group)
            code, answer = self._reply()
        except (smtplib.SMTPException, OSError) as error:
            self.drop()
            if handed_over:
                return Outcome(UNKNOWN, 0, f"connection lost before the server answered: {error}")
            return _connection_problem(error)
        if code == 421:
            self.drop()
        elif follow is not None:
            self.in_flight = follow  # type: ignore[assignment]
        if code == 250:
            return Outcome(SENT, *_answer(code, answer))
        return refusal(code, answer)

    def _envelope(self, sender: str, rcpt: str) -> list[tuple[int, bytes]]:
        if self.pipelining:
            self._write(_commands(sender, rcpt))
            return [self._reply() for _ in range(3)]
        commands = [f"MAIL FROM:<{sender}>", f"RCPT TO:<{rcpt}>", "DATA"]
        replies: list[tuple[int, bytes]] = []
        for command in commands:
            self._write(command.encode("ascii") + b"\r\n")
            replies.append(self._reply())
            if replies[-1][0] not in (250, 251, 354):
                while len(replies) < 3:  # the rest not asked: answered as refused already
                    replies.append((503, b"not sent"))
                break
        return replies

    def _write(self, data: bytes) -> None:
        assert self.smtp is not None and self.smtp.sock is not None
        self.smtp.sock.sendall(data)

    def _reply(self) -> tuple[int, bytes]:
        assert self.smtp is not None
        code, message = self.smtp.getreply()
        if code == -1:
            raise smtplib.SMTPServerDisconnected("connection closed")
        return code, message


def _commands(sender: str, rcpt: str) -> bytes:
    return f"MAIL FROM:<{sender}>\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n".encode("ascii")


def _connection_problem(error: BaseException) -> Outcome:
    if isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600:
        # a 5xx greeting or a refused login: retrying soon will not help, but it is the
        # server's state, not the recipient's — still retried with backoff
        return Outcome(NOT_SENT, error.smtp_code, _answer(error.smtp_code, error.smtp_error)[1])
    return Outcome(NOT_SENT, 0, f"no connection: {error}"[:500])


def _close_quietly(smtp: smtplib.SMTP) -> None:
    try:
        smtp.close()
    except (smtplib.SMTPException, OSError):
        pass
