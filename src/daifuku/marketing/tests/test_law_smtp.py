"""What reaches a real SMTP server (aiosmtpd on loopback): an advertising mail built from
the compose hooks carries RFC 8058's headers and the 特定電子メール法 display items in its
received bytes, and its one-click address works; the CRM's own mails skip suppressed
addresses through the suppressing backend and the hold-back is recorded."""

from __future__ import annotations

import email
from email import policy

import pytest
from django.core import mail as django_mail
from django.test import Client

from daifuku.marketing.mailing import hooks
from daifuku.marketing.tests import law_world
from daifuku.marketing.tests.law_world import outgoing

pytestmark = pytest.mark.django_db
mailing = law_world.mailing  # the fixture the mail-law tests share


@pytest.fixture
def smtp(settings):
    """aiosmtpd on a free loopback port (the delivery tests' server), behind the
    suppressing backend (the default)."""
    from daifuku.marketing.delivery.tests import harness

    harness.require_aiosmtpd()
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    with harness.SmtpServer(Handler()) as server:
        settings.EMAIL_BACKEND = "daifuku.marketing.mail_backend.SuppressingEmailBackend"
        settings.EMAIL_INNER_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = False
        yield received


def _send(mail) -> None:
    """The smallest real MIME encoding of an OutgoingMail (the delivery engine's job in
    production): UTF-8 text and HTML alternatives with the hooks' extra headers."""
    message = django_mail.EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=f"{mail.from_name} <{mail.from_email}>",
        to=[mail.email],
        headers=mail.headers,
    )
    message.attach_alternative(mail.html, "text/html")
    message.send()


def test_received_bytes_carry_rfc8058_and_the_display_items(mailing, smtp):
    from daifuku.marketing import unsubscribe

    delivery = mailing["to_hanako"]
    _send(hooks.compose(outgoing(delivery)))
    assert len(smtp) == 1 and smtp[0].rcpt_tos == ["hanako@example.jp"]
    raw = smtp[0].content
    message = email.message_from_bytes(raw, policy=policy.default)
    url = unsubscribe.url_for(delivery.token)
    header = " ".join(str(message["List-Unsubscribe"]).split())
    assert header.startswith(f"<{url}>, <mailto:stop@daifuku.example?subject=unsubscribe-")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "配信停止はこちら" in body and url in body
        assert "株式会社大福商事" in body
        assert "〒100-0005 東京都千代田区丸の内1-1-1" in body
        assert "03-1234-5678" in body
    # the mail program's one-click POST to the header's address
    path = header[1 : header.index(">")].removeprefix(unsubscribe.base_url())
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    from daifuku.customers.models import Consent

    assert Consent.objects.get(person=mailing["hanako"]).status == "opted_out"


def test_the_crms_own_mails_skip_suppressed_addresses(db, smtp):
    from daifuku.core.models import AuditEntry
    from daifuku.marketing.services.suppression import suppress

    suppress("Bounced@Example.jp", "bounce")
    sent = django_mail.send_mail(
        "ご訪問のリマインダー",
        "明日 10:00 山田様訪問",
        "crm@daifuku.example",
        ["ok@example.jp", "山田 <bounced@example.jp>"],
    )
    assert sent == 1
    assert len(smtp) == 1 and smtp[0].rcpt_tos == ["ok@example.jp"]
    held = AuditEntry.objects.get(action="mail_held_back")
    assert held.changes == {"to": ["bounced@example.jp"], "subject": "ご訪問のリマインダー"}
    # a mail with nobody left is not sent at all
    assert django_mail.send_mail("x", "y", "crm@daifuku.example", ["bounced@example.jp"]) == 0
    assert len(smtp) == 1


def test_mail_without_suppressed_addresses_passes_untouched(db, smtp):
    message = django_mail.EmailMessage(
        "見積書送付", "添付の通り", "crm@daifuku.example", ["a@example.jp"], cc=["b@example.jp"]
    )
    assert message.send() == 1
    assert sorted(smtp[0].rcpt_tos) == ["a@example.jp", "b@example.jp"]
