"""DKIM (DomainKeys Identified Mail): the sending domain signs each message with its
private key; the receiving server checks the signature against the public key published
in DNS at ``<selector>._domainkey.<domain>``. Gmail and Yahoo require it of bulk senders,
and DMARC passes when the signing domain is the From domain.

Signing is optional: it happens when 設定 → 送信ドメインの確認 has a domain, a selector and
a key (``MailSettings.dkim_*``). It runs as the last bytes hook, because any change after
the signature would break it. The settings are read once a minute, not once a message.

dkimpy canonicalises and builds the header; its RSA step is pure Python (≈ 25 ms a
message with a 2048-bit key, 40 mails a second a core — far below what the engine
sends), so :func:`use_openssl_rsa` hands that one step to OpenSSL through
``cryptography``. RSASSA-PKCS1-v1_5 is deterministic: the signature is byte for byte the
one dkimpy computes itself (``test_feedback_dkim`` compares them)."""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass
from functools import lru_cache

import dkim

from ..mailing.hooks import OutgoingMail
from ..models import MailSettings

SIGNED_HEADERS = [
    b"From",
    b"To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"Reply-To",
    b"MIME-Version",
    b"Content-Type",
    b"Content-Transfer-Encoding",
    b"List-Unsubscribe",
    b"List-Unsubscribe-Post",
    b"List-Id",
]
CACHE_SECONDS = 60.0
SELECTOR_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


@dataclass(frozen=True)
class Signer:
    domain: str
    selector: str
    private_key: bytes

    def sign(self, message: bytes) -> bytes:
        linesep = b"\r\n" if b"\r\n" in message[:2000] else b"\n"
        signature = dkim.sign(
            message,
            self.selector.encode(),
            self.domain.encode(),
            self.private_key,
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=SIGNED_HEADERS,
            linesep=linesep,
        )
        return signature + message


_cache: tuple[float, Signer | None] | None = None

PURE_RSA_SIGN = dkim.RSASSA_PKCS1_v1_5_sign
PURE_PARSE_KEY = dkim.parse_pem_private_key
KEY_FIELDS = (
    "modulus", "publicExponent", "privateExponent", "prime1", "prime2",
    "exponent1", "exponent2", "coefficient",
)  # fmt: skip


@lru_cache(maxsize=8)
def _openssl_key(numbers: tuple[int, ...]):
    from cryptography.hazmat.primitives.asymmetric import rsa

    n, e, d, p, q, dmp1, dmq1, iqmp = numbers
    public = rsa.RSAPublicNumbers(e, n)
    return rsa.RSAPrivateNumbers(p, q, d, dmp1, dmq1, iqmp, public).private_key()


def _openssl_rsa_sign(hash, private_key) -> bytes:
    """dkimpy's ``RSASSA_PKCS1_v1_5_sign(hash, key)`` done by OpenSSL."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, utils

    algorithm = {"sha256": hashes.SHA256(), "sha1": hashes.SHA1()}.get(hash.name)
    if algorithm is None:
        return PURE_RSA_SIGN(hash, private_key)
    key = _openssl_key(tuple(private_key[name] for name in KEY_FIELDS))
    return key.sign(hash.digest(), padding.PKCS1v15(), utils.Prehashed(algorithm))


@lru_cache(maxsize=8)
def _parsed_key(data: bytes) -> dict:
    return PURE_PARSE_KEY(data)


def use_openssl_rsa(on: bool = True) -> None:
    """Let OpenSSL do dkimpy's RSA step (and parse each key once), or go back to dkimpy's
    own. Installed when the app starts (marketing.apps)."""
    dkim.RSASSA_PKCS1_v1_5_sign = _openssl_rsa_sign if on else PURE_RSA_SIGN
    dkim.parse_pem_private_key = _parsed_key if on else PURE_PARSE_KEY


def forget() -> None:
    """Read the settings again at the next message (after they changed)."""
    global _cache
    _cache = None


def current_signer() -> Signer | None:
    """The signer the settings describe, or None when signing is off."""
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < CACHE_SECONDS:
        return _cache[1]
    row = (
        MailSettings.objects.filter(pk=MailSettings.SINGLETON_PK)
        .values("dkim_domain", "dkim_selector", "dkim_private_key")
        .first()
    )
    signer = None
    if row and row["dkim_domain"] and row["dkim_selector"] and row["dkim_private_key"]:
        signer = Signer(
            row["dkim_domain"], row["dkim_selector"], row["dkim_private_key"].encode("ascii")
        )
    _cache = (now, signer)
    return signer


def sign_message(message: bytes, mail: OutgoingMail) -> bytes:
    """Bytes hook: prepend a ``DKIM-Signature`` when signing is on."""
    signer = current_signer()
    return signer.sign(message) if signer is not None else message


def generate_key(bits: int = 2048) -> str:
    """A new RSA private key, PEM (PKCS#1, what dkimpy reads)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_key_b64(private_pem: str) -> str:
    """The public half, base64 DER (SubjectPublicKeyInfo) — the ``p=`` of the record."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode("ascii")


def record_value(private_pem: str) -> str:
    """The TXT record to publish: ``v=DKIM1; k=rsa; p=…``."""
    return f"v=DKIM1; k=rsa; p={public_key_b64(private_pem)}"


def record_name(selector: str, domain: str) -> str:
    return f"{selector}._domainkey.{domain}"


def record_chunks(value: str, size: int = 255) -> list[str]:
    """A TXT string holds at most 255 bytes: a 2048-bit key is published as several."""
    return [value[i : i + size] for i in range(0, len(value), size)]
