"""DKIM: a key made by the service signs the bytes the engine sends (the last bytes hook),
and dkimpy verifies the signature against the key served by a DNS server on loopback —
the way a receiving server checks it. The VERP compose hook sets the return path."""

from __future__ import annotations

from email.message import EmailMessage

import dkim
import pytest

from daifuku.core.errors import PermissionDenied, ValidationFailed
from daifuku.marketing.feedback import dns as dnscheck
from daifuku.marketing.feedback import signing
from daifuku.marketing.mailing import hooks
from daifuku.marketing.services import deliverability

from .feedback_servers import dns_server

pytestmark = pytest.mark.django_db


def _outgoing(token: str = "tK9mP2xQ7rL4vN8wB3cZ5d") -> hooks.OutgoingMail:
    return hooks.OutgoingMail(
        delivery_id=1,
        token=token,
        email="hanako@example.jp",
        person_id=None,
        campaign_id=1,
        subject="冬のセールのお知らせ",
        html="<p>田中 太郎 様</p>",
        text="田中 太郎 様",
        from_name="大福商店",
        from_email="info@example.jp",
    )


def _encoded(mail: hooks.OutgoingMail) -> bytes:
    message = EmailMessage()
    message["From"] = f"{mail.from_name} <{mail.from_email}>"
    message["To"] = mail.email
    message["Subject"] = mail.subject
    message["Message-ID"] = f"<{mail.token}@example.jp>"
    for name, value in mail.headers.items():
        message[name] = value
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


@pytest.fixture(autouse=True)
def fresh_signer():
    signing.forget()
    yield
    signing.forget()


def test_a_generated_key_signs_and_the_published_record_verifies_it(admin, settings):
    row = deliverability.generate_dkim_key(
        actor=admin, domain="Example.JP.", selector="daifuku2026"
    )
    assert (row.dkim_domain, row.dkim_selector) == ("example.jp", "daifuku2026")
    name = signing.record_name("daifuku2026", "example.jp")
    value = signing.record_value(row.dkim_private_key)
    assert value.startswith("v=DKIM1; k=rsa; p=MII") and len(value) > 255  # published in chunks
    mail = hooks.compose(_outgoing())
    signed = hooks.finish_bytes(_encoded(mail), mail)
    assert signed.startswith(b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.jp;")
    with dns_server({name: [value]}) as resolver:
        settings.DAIFUKU_DNS_RESOLVER = resolver
        assert dkim.verify(signed, dnsfunc=dnscheck.dkim_dnsfunc)
        # a changed signed header no longer verifies
        tampered = signed.replace(b"To: hanako@example.jp", b"To: hanako@example.com")
        assert tampered != signed
        assert not dkim.verify(tampered, dnsfunc=dnscheck.dkim_dnsfunc)
    # another server's key at that name does not verify our mail
    other = signing.record_value(signing.generate_key(1024))
    with dns_server({name: [other]}) as resolver:
        settings.DAIFUKU_DNS_RESOLVER = resolver
        assert not dkim.verify(signed, dnsfunc=dnscheck.dkim_dnsfunc)


def test_without_a_key_the_bytes_are_sent_as_they_are(db):
    mail = _outgoing()
    raw = _encoded(mail)
    assert signing.sign_message(raw, mail) is raw


def test_signing_is_turned_off(admin):
    deliverability.generate_dkim_key(actor=admin, domain="example.jp", selector="s1")
    assert signing.current_signer() is not None
    deliverability.turn_off_dkim(actor=admin)
    assert signing.current_signer() is None


def test_only_administrators_make_keys_and_bad_names_are_refused(admin, manager):
    with pytest.raises(PermissionDenied):
        deliverability.generate_dkim_key(actor=manager, domain="example.jp", selector="s1")
    with pytest.raises(ValidationFailed) as refused:
        deliverability.generate_dkim_key(
            actor=admin, domain="not a domain", selector="bad selector!"
        )
    assert set(refused.value.errors) == {"domain", "selector"}


def test_the_return_path_names_the_delivery(settings):
    settings.DAIFUKU_BOUNCE_ADDRESS = "bounce@mail.example.jp"
    mail = hooks.compose(_outgoing("tK9mP2xQ7rL4vN8wB3cZ5d"))
    assert mail.envelope_from == "bounce+b-tK9mP2xQ7rL4vN8wB3cZ5d@mail.example.jp"
    assert mail.headers["X-Daifuku-Delivery"] == "tK9mP2xQ7rL4vN8wB3cZ5d"


def test_without_a_bounce_address_only_the_header_is_added(settings):
    settings.DAIFUKU_BOUNCE_ADDRESS = ""
    mail = hooks.compose(_outgoing())
    assert mail.envelope_from == ""
    assert mail.headers["X-Daifuku-Delivery"] == "tK9mP2xQ7rL4vN8wB3cZ5d"


def test_openssl_gives_the_very_signature_dkimpy_computes():
    """The RSA step handed to OpenSSL is the same function: same key, same digest, same
    bytes (RSASSA-PKCS1-v1_5 is deterministic)."""
    import hashlib

    key = signing.PURE_PARSE_KEY(signing.generate_key(2048).encode())
    digests = [dkim.HashThrough(hashlib.sha256()) for _ in range(2)]
    for digest in digests:
        digest.update(b"From: info@example.jp\r\nSubject: test\r\n")
    pure = bytes(signing.PURE_RSA_SIGN(digests[0], key))
    assert signing._openssl_rsa_sign(digests[1], key) == pure
    assert dkim.RSASSA_PKCS1_v1_5_sign is signing._openssl_rsa_sign  # installed at start-up
