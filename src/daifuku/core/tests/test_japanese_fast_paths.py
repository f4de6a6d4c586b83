"""The fast paths of core.japanese give exactly what the libraries give.

normalize_phone answers plain domestic numbers from phonenumbers' metadata without
phonenumbers.parse, validate_email_address answers plain ASCII addresses without
email-validator; both exist for imports of a million rows. These tests compare them with the
libraries over many generated inputs (deterministic seeds), and check that the fast paths
really answer the common shapes (or they would be dead code).
"""

from __future__ import annotations

import random
import string

import pytest
from email_validator import EmailNotValidError, validate_email

from daifuku.core import japanese
from daifuku.core.japanese import normalize_email, normalize_phone, validate_email_address


def _hyphenate(digits: str, rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return digits
    if style == 1:  # as people group them: area code, exchange, subscriber
        cut = rng.randrange(2, len(digits) - 5)
        return f"{digits[:cut]}-{digits[cut:-4]}-{digits[-4:]}"
    if style == 2:  # one hyphen anywhere
        cut = rng.randrange(1, len(digits))
        return f"{digits[:cut]}-{digits[cut:]}"
    return "-".join(digits[i : i + 3] for i in range(0, len(digits), 3))


def _numbers() -> list[str]:
    rng = random.Random(20250301)
    texts = []
    # every four-digit leading prefix (area codes are up to five digits with the 0), both lengths
    for prefix in range(100, 1000):
        for length in (10, 11):
            digits = f"0{prefix}" + "".join(rng.choice(string.digits) for _ in range(length - 4))
            texts.append(_hyphenate(digits, rng))
    # the prefixes customers really have, many subscriber numbers each
    for head in (
        "090",
        "080",
        "070",
        "050",
        "03",
        "06",
        "045",
        "052",
        "011",
        "092",
        "0120",
        "0570",
        "0800",
        "0466",
        "0267",
        "01564",
        "0995",
        "020",
        "060",
        "0990",
    ):
        for _ in range(150):
            length = rng.choice((10, 11))
            digits = head + "".join(rng.choice(string.digits) for _ in range(length - len(head)))
            texts.append(_hyphenate(digits, rng))
    return texts


NUMBERS = _numbers()


def test_fast_phone_path_equals_phonenumbers_on_generated_numbers():
    answered = valid = 0
    for text in NUMBERS:
        slow = japanese._parse_phone(text, "JP")
        fast = japanese._japanese_phone(text.replace("-", ""))
        if fast is not None:
            answered += 1
            assert fast == slow, text
        assert normalize_phone(text) == slow, text
        valid += slow is not None
    # the fast path answers every valid domestic number of the usual lengths
    assert answered == valid
    assert valid > 2000


@pytest.mark.parametrize(
    "text",
    [
        "090-1234-5678",
        "０９０－１２３４－５６７８",
        "03-1234-5678",
        "0312345678",
        "0120-123-456",
        "0570-064-556",
        "0466-12-3456",
        "01564-2-1234",
        "050-1234-5678",
        "0800-123-4567",
        "06 1234 5678",
        "03-1234-5678 内線12",
        "+81 3-1234-5678",
        "010-1-212-555-0100",
        "03-1234-567",
        "0990-123-456",
        "020-1234-5678",
    ],
)
def test_normalize_phone_matches_phonenumbers_for_usual_notations(text):
    slow = japanese._parse_phone(japanese._DASH.sub("-", japanese.normalize_text(text)), "JP")
    assert normalize_phone(text) == slow


def test_fast_phone_path_is_taken_for_plain_domestic_numbers():
    assert japanese._japanese_phone("09012345678") == japanese.Phone(
        "+819012345678", "09012345678", "090-1234-5678"
    )
    assert japanese._japanese_phone("0312345678") == japanese.Phone(
        "+81312345678", "0312345678", "03-1234-5678"
    )
    assert japanese._japanese_phone("0101234567") is None  # 010 dials abroad: the library decides


def _addresses() -> list[str]:
    rng = random.Random(77)
    plain = string.ascii_lowercase + string.digits
    odd = "._-+!#$%&'*/=?^`{|}~\"(),:;<>[]\\ @ü田"
    tlds = [
        "jp",
        "com",
        "co.jp",
        "ne.jp",
        "test",
        "local",
        "arpa",
        "x",
        "c0m",
        "xn--wgv71a",
        "museum",
        "localhost",
    ]
    texts = []
    for _ in range(4000):
        local = "".join(
            rng.choice(plain if rng.random() < 0.9 else odd) for _ in range(rng.randrange(1, 20))
        )
        labels = [
            "".join(
                rng.choice(plain + ("-" if rng.random() < 0.3 else ""))
                for _ in range(rng.randrange(1, 12))
            )
            for _ in range(rng.randrange(1, 3))
        ]
        texts.append(f"{local}@{'.'.join(labels)}.{rng.choice(tlds)}")
    texts += [
        "a" * 64 + "@example.jp",
        "a" * 65 + "@example.jp",
        "a@" + "b" * 63 + ".jp",
        "a@" + "b" * 64 + ".jp",
        "a@" + ".".join(["b" * 60] * 5) + ".jp",
        "x@ab--cd.jp",
        "x@xn--abc.jp",
        ".a@b.jp",
        "a.@b.jp",
        "a..b@c.jp",
        "a@b..jp",
        "a@-b.jp",
        "a@b-.jp",
        "a@b.j",
        "a@123.45",
        "taro@example.com",
    ]
    return texts


def _reference(text: str) -> str | None:
    """What validate_email_address answered before the fast path (email-validator alone)."""
    address = normalize_email(text)
    if not address or address.count("@") != 1:
        return None
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def test_fast_email_path_equals_email_validator_on_generated_addresses():
    fast = 0
    for text in _addresses():
        expected = _reference(text)
        try:
            got = validate_email_address(text)
        except ValueError:
            got = None
        assert got == expected, text
        address = normalize_email(text)
        if japanese._PLAIN_EMAIL.fullmatch(address):
            fast += 1
    assert fast > 1000  # most generated addresses are plain and take the fast path
