"""Telephone numbers: parsing any usual notation into the e164 / national / display forms,
with a fast path for plain domestic numbers. Part of :mod:`daifuku.core.japanese`."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import phonenumbers

from .japanese_text import _DASHES, normalize_text


@dataclass(frozen=True)
class Phone:
    """A telephone number in the three forms the business needs.

    ``e164`` is the unique key (dedup, click-to-call), ``national`` the digits people
    search by ('09012345678'), ``formatted`` what is shown ('090-1234-5678').
    ``extension`` (内線) is kept apart so it never breaks matching.
    """

    e164: str
    national: str
    formatted: str
    extension: str = ""


_EXTENSION_WORDS = re.compile(r"(?:内線|内)\s*[.:]?\s*(?=\d)")


def normalize_phone(value: str | None, region: str = "JP") -> Phone | None:
    """Parse a phone number written any usual way; None if it is not a real number.

    Numbers without a country code are read as numbers of ``region``. Numbers of that
    region are shown in national format; foreign numbers in international format
    (that is how they must be dialled from here).
    """
    text = normalize_text(value)
    if not text:
        return None
    text = _DASH.sub("-", text)
    if region == "JP" and _JP_PLAIN_PHONE.fullmatch(text):
        phone = _japanese_phone(text.replace("-", ""))
        if phone is not None:
            return phone
    return _parse_phone(text, region)


def _parse_phone(text: str, region: str) -> Phone | None:
    """normalize_phone through the phonenumbers library (any country, any notation)."""
    text = _EXTENSION_WORDS.sub(" ext. ", text)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    # is_possible_number is a cheap length check; is_valid_number checks the number
    # plan (area codes, mobile prefixes), which is what rejects typos like 03-1234-567.
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        return None
    extension = number.extension or ""
    number.extension = None  # format the number itself; the extension is a field
    fmt = phonenumbers.PhoneNumberFormat
    national = phonenumbers.format_number(number, fmt.NATIONAL)
    if number.country_code == phonenumbers.country_code_for_region(region):
        formatted = national
    else:
        formatted = phonenumbers.format_number(number, fmt.INTERNATIONAL)
    return Phone(
        e164=phonenumbers.format_number(number, fmt.E164),
        national=re.sub(r"\D", "", national),
        formatted=formatted,
        extension=extension,
    )


# --- fast path for plain Japanese numbers ---
# An import of a million rows spends most of its cleaning time in phonenumbers.parse, which
# handles every notation of every country. A domestic number written as digits and hyphens
# ('03-1234-5678', '09012345678') needs none of that: the national significant number is
# the digits after the trunk 0, and validity and the national format come from the same
# phonenumbers metadata (number-plan patterns and formatting rules) that the library
# applies. The fast path only ever answers "valid, and here are its forms"; anything else
# (invalid numbers, extensions, '+81', 010 international calls, unusual lengths) goes
# through phonenumbers, so it can never reject what the library would accept.
# core/tests/test_japanese_fast_paths.py checks that both give the same result.
_DASH = re.compile(f"[{_DASHES}]")
_JP_PLAIN_PHONE = re.compile(r"0[1-9][0-9]*(?:-[0-9]+)*")
_FIRST_GROUP = re.compile(r"(\\\d)")  # the first group of a format, as phonenumbers finds it


@functools.lru_cache(maxsize=1)
def _japanese_plan() -> tuple:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("JP")

    def desc(d):
        return (
            (frozenset(d.possible_length or ()), re.compile(d.national_number_pattern))
            if d
            else None
        )

    general = desc(metadata.general_desc)
    # the common kinds first: a number needs to be of any one kind, and is most often one of these
    kinds = [
        desc(getattr(metadata, name))
        for name in (
            "mobile",
            "fixed_line",
            "toll_free",
            "premium_rate",
            "shared_cost",
            "voip",
            "personal_number",
            "pager",
            "uan",
            "voicemail",
        )
    ]
    formats = []
    for item in metadata.number_format:  # NATIONAL formatting uses number_format, in order
        leading = (
            re.compile(item.leading_digits_pattern[-1]) if item.leading_digits_pattern else None
        )
        rule = item.format
        if item.national_prefix_formatting_rule:
            rule = _FIRST_GROUP.sub(item.national_prefix_formatting_rule, rule, count=1)
        formats.append((leading, re.compile(item.pattern), rule, _as_format(rule)))
    return general, [k for k in kinds if k is not None], formats


def _as_format(rule: str) -> str:
    """A format's rule ('0\\1-\\2-\\3') as a str.format template ('0{0}-{1}-{2}'): filled from
    the match's groups it costs a fraction of re's template expansion, once per number."""
    escaped = rule.replace("{", "{{").replace("}", "}}")
    return re.sub(r"\\(\d)", lambda group: f"{{{int(group.group(1)) - 1}}}", escaped)


def _japanese_phone(digits: str) -> Phone | None:
    """Phone for a domestic number given as digits with the trunk 0, or None when the fast
    path cannot tell (the caller then asks phonenumbers)."""
    if len(digits) not in (10, 11) or digits.startswith("010"):
        return None
    nsn = digits[1:]
    general, kinds, formats = _japanese_plan()
    size = len(nsn)
    if size not in general[0] or not general[1].fullmatch(nsn):
        return None
    if not any(size in lengths and pattern.fullmatch(nsn) for lengths, pattern in kinds):
        return None
    for leading, pattern, rule, template in formats:
        match = pattern.fullmatch(nsn) if leading is None or leading.match(nsn) else None
        if match:
            groups = match.groups()
            formatted = template.format(*groups) if None not in groups else pattern.sub(rule, nsn)
            return Phone(
                e164="+81" + nsn, national=_NON_DIGIT.sub("", formatted), formatted=formatted
            )
    return None


_NON_DIGIT = re.compile(r"\D")


def phone_digits(value: str | None) -> str:
    """The digits of a (possibly partial) phone number, for searching by fragment.

    '+81 90-1234' → '0901234', so a fragment typed in international form still finds
    numbers stored nationally.
    """
    text = normalize_text(value)
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+81"):
        rest = digits[2:]
        # "+81 (0)3…" already carries the trunk 0
        return rest if rest.startswith("0") else "0" + rest
    return digits
