"""STARTTLS on the bounce receiver (``daifuku bounces --listen``): a self-signed certificate
made here with ``cryptography``, the receiver configured from the settings, and smtplib
upgrading the session with ``starttls()`` and checking the certificate it is shown."""

from __future__ import annotations

import datetime as dt
import ipaddress
import smtplib
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from daifuku.marketing.feedback import smtp
from daifuku.marketing.models import MailEvent

from . import feedback_rows as rows
from .feedback_servers import free_port, sample


def _self_signed(directory) -> tuple[str, str]:
    """(certificate, key) PEM files for 127.0.0.1 / localhost, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bounces.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


def _wire(name: str) -> bytes:
    return sample(name).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


@pytest.fixture
def certificate(tmp_path, settings):
    cert, key = _self_signed(tmp_path)
    settings.DAIFUKU_BOUNCE_ADDRESS = "bounce@mail.example.jp"
    settings.DAIFUKU_BOUNCE_SMTP_TLS_CERT = cert
    settings.DAIFUKU_BOUNCE_SMTP_TLS_KEY = key
    trusted = ssl.create_default_context(cafile=cert)  # the client trusts this one only
    return trusted


@pytest.mark.django_db(transaction=True)
def test_starttls_is_offered_and_a_report_arrives_encrypted(certificate, settings):
    rows.sample_deliveries(rows.campaign())
    port = free_port()
    receiver = smtp.controller("127.0.0.1", port)
    receiver.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.ehlo()
            assert client.has_extn("starttls")
            code, _reply = client.starttls(context=certificate)
            assert code == 220
            assert client.sock.version() in {"TLSv1.2", "TLSv1.3"}
            client.ehlo()
            assert not client.has_extn("starttls")  # once is enough
            client.sendmail("", ["bounce@mail.example.jp"], _wire("arf_abuse.eml"))
        # TLS is offered, not required (an MX must accept plain SMTP): plain still works
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as plain:
            plain.sendmail("", ["bounce@mail.example.jp"], _wire("arf_abuse.eml"))
        # a client that does not trust the certificate refuses it
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as wary:
            with pytest.raises(ssl.SSLCertVerificationError):
                wary.starttls(context=ssl.create_default_context())
    finally:
        receiver.stop()
    assert MailEvent.objects.filter(kind="complaint").exists()


@pytest.mark.django_db(transaction=True)
def test_required_starttls_refuses_mail_in_the_clear(certificate, settings):
    settings.DAIFUKU_BOUNCE_SMTP_REQUIRE_TLS = True
    rows.sample_deliveries(rows.campaign())
    port = free_port()
    receiver = smtp.controller("127.0.0.1", port)
    receiver.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as plain:
            with pytest.raises(smtplib.SMTPSenderRefused) as refused:
                plain.sendmail("", ["bounce@mail.example.jp"], _wire("arf_abuse.eml"))
            assert refused.value.smtp_code == 530
        assert not MailEvent.objects.exists()
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.starttls(context=certificate)
            client.sendmail("", ["bounce@mail.example.jp"], _wire("arf_abuse.eml"))
    finally:
        receiver.stop()
    assert MailEvent.objects.filter(kind="complaint").count() == 1


def test_a_certificate_that_cannot_be_loaded_is_a_configuration_error(tmp_path, settings):
    settings.DAIFUKU_BOUNCE_SMTP_TLS_CERT = str(tmp_path / "missing.pem")
    with pytest.raises(ImproperlyConfigured):
        smtp.tls_from_settings()
    settings.DAIFUKU_BOUNCE_SMTP_TLS_CERT = ""
    settings.DAIFUKU_BOUNCE_SMTP_REQUIRE_TLS = True  # required, but nothing to offer
    with pytest.raises(ImproperlyConfigured):
        smtp.tls_from_settings()
    with pytest.raises(CommandError):
        call_command("bounces", "--listen", f"127.0.0.1:{free_port()}")
    settings.DAIFUKU_BOUNCE_SMTP_REQUIRE_TLS = False
    assert smtp.tls_from_settings() == (None, False)
