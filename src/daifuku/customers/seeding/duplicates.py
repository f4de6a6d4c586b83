"""Near-duplicate people: the same customer registered twice, written differently.

Japanese customer ledgers fill up with such pairs (名寄せ is the work of finding them):
the reading typed in hiragana at the shop and katakana on the web, half-width kana from an
old POS export, 髙橋 on the business card and 高橋 in the EC account, a phone number with
full-width digits or without hyphens, the e-mail in capitals. :func:`near_duplicate`
makes such a second record from an original; it never introduces typos, so a matcher
that normalises correctly can find every pair.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import jaconv

from .names import KANJI_VARIANTS

_FULL_WIDTH_DIGITS = str.maketrans("0123456789-", "０１２３４５６７８９－")


def _variant_spelling(name: str) -> str | None:
    """``name`` with its first character that has an old/new form swapped, if any."""
    for position, character in enumerate(name):
        variant = KANJI_VARIANTS.get(character)
        if variant:
            return name[:position] + variant + name[position + 1 :]
    return None


def _rewrite_phone(rng: random.Random, phone: str) -> str | None:
    """The same number as another system would have stored it."""
    roll = rng.random()
    if roll < 0.35:
        return phone.translate(_FULL_WIDTH_DIGITS)  # "０９０－１２３４－５６７８"
    if roll < 0.7:
        return phone.replace("-", "")  # "09012345678"
    if roll < 0.85:
        area, exchange, subscriber = phone.split("-")
        return f"{area}({exchange}){subscriber}"  # "03(1234)5678"
    return None  # the second registration left the phone out


def _rewrite_address(rng: random.Random, address_line: str) -> str:
    """The same street address with 丁目 written as a hyphen or in full-width digits."""
    if rng.random() < 0.5:
        return address_line.replace("丁目", "-")  # "本町1丁目2-3" → "本町1-2-3"
    return address_line.translate(_FULL_WIDTH_DIGITS)


def near_duplicate(
    rng: random.Random, original: Any, original_index: int, fresh_email: str | None
) -> Any:
    """A second record of ``original`` (a PersonSeed) with ``duplicate_of=original_index``.

    At least one of name spelling, kana script, phone, e-mail, address or building differs;
    the facts (name, reading, birthday, address, phone number) stay the same person's.
    ``fresh_email`` is the address to use when the customer registered with a new one.
    """
    changes: dict[str, Any] = {}
    roll = rng.random()
    if roll < 0.35:
        changes["family_kana"] = jaconv.kata2hira(original.family_kana)
        changes["given_kana"] = jaconv.kata2hira(original.given_kana)
    elif roll < 0.5:
        changes["family_kana"] = jaconv.z2h(
            original.family_kana, kana=True, ascii=False, digit=False
        )
        changes["given_kana"] = jaconv.z2h(original.given_kana, kana=True, ascii=False, digit=False)
    variant = _variant_spelling(original.family_name)
    if variant and rng.random() < 0.7:
        changes["family_name"] = variant
    if original.phone and rng.random() < 0.6:
        changes["phone"] = _rewrite_phone(rng, original.phone)
    roll = rng.random()
    if original.email is None:
        changes["email"] = fresh_email if roll < 0.3 else None
    elif roll < 0.25:
        changes["email"] = original.email.upper()
    elif roll < 0.4:
        changes["email"] = fresh_email
    elif roll < 0.55:
        changes["email"] = None
    if original.building and rng.random() < 0.5:
        changes["building"] = ""
    if rng.random() < 0.3:
        changes["address_line"] = _rewrite_address(rng, original.address_line)
    if original.birthday and rng.random() < 0.2:
        changes["birthday"] = None
    if not changes or all(changes[key] == getattr(original, key) for key in changes):
        # nothing visibly changed: fall back to the most common real-world difference
        changes["family_kana"] = jaconv.kata2hira(original.family_kana)
        changes["given_kana"] = jaconv.kata2hira(original.given_kana)
    return replace(
        original,
        **changes,
        relationship_stage="exploratory",
        lifecycle="lead" if rng.random() < 0.6 else "prospect",
        source_channel=rng.choice(("web", "ec", "store", "event", "phone")),
        preferences="",
        notes="",
        household=[],
        duplicate_of=original_index,
    )
