"""Email addresses: the stored form and syntax validation (a fast path for plain ASCII
addresses, email-validator for the rest). Part of :mod:`daifuku.core.japanese`."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from email_validator import EmailNotValidError, validate_email

from .japanese_text import normalize_text


def normalize_email(value: str | None) -> str:
    """The address as stored and compared: half-width, trimmed, lowercase.

    Lowercasing the local part is technically lossy, but no Japanese provider treats
    case as significant and it is what makes duplicates findable.
    """
    text = normalize_text(value)
    # IME users type 。 for "."; IDNA itself treats U+3002 as a dot.
    return text.replace("\u3002", ".").lower()


def validate_email_address(value: str | None) -> str:
    """The normalised address, or ValueError with a message for the person who typed it.

    Only the syntax is checked (no DNS look-up), so it works offline and stays fast.
    """
    address = normalize_email(value)
    if not address:
        raise ValueError(_("Enter an email address."))
    if address.count("@") != 1:
        raise ValueError(_("An email address must contain exactly one @ sign."))
    if len(address) <= 254 and _PLAIN_EMAIL.fullmatch(address):
        local, _at, domain = address.partition("@")
        if (
            len(local) <= 64
            and "--" not in domain
            and domain.rpartition(".")[2] not in _SPECIAL_USE_TLDS
        ):
            return address
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError(_("This email address is not valid. Check for typing mistakes.")) from None
    return result.normalized


# Almost every address is plain ASCII (dot-atom local part, LDH domain labels, a
# letters-only top-level domain): for those email-validator's answer is the address itself,
# and checking them with one regular expression is ten times cheaper. Everything else —
# quoted or internationalised parts, IDNA, '--' labels, special-use names, long addresses —
# goes through email-validator (core/tests/test_japanese_fast_paths.py compares the two).
_ATEXT = "a-z0-9!#$%&'*+/=?^_`{|}~-"
_PLAIN_EMAIL = re.compile(
    f"[{_ATEXT}]+(?:\\.[{_ATEXT}]+)*@(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\\.)+[a-z]{{2,63}}"
)
_SPECIAL_USE_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})
