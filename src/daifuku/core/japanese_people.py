"""Personal names typed in one field split into family and given name (kanji, kana or
romaji), and ages and age bands. Part of :mod:`daifuku.core.japanese`."""

from __future__ import annotations

import functools
from datetime import date

from .japanese_data import SURNAMES
from .japanese_text import _CACHED_LENGTH, is_kana, normalize_text, to_katakana

_SURNAME_KANJI: frozenset[str] = frozenset(normalize_text(kanji) for kanji, _r in SURNAMES)
_SURNAME_KANA: frozenset[str] = frozenset(r for _k, readings in SURNAMES for r in readings)
_LONGEST_SURNAME = max(len(name) for name in _SURNAME_KANJI | _SURNAME_KANA)


def _known_surname_length(text: str, surnames: frozenset[str]) -> int:
    # The longest known surname that still leaves at least one character for the given name.
    for length in range(min(_LONGEST_SURNAME, len(text) - 1), 0, -1):
        if text[:length] in surnames:
            return length
    return 0


def _split_ascii(text: str) -> tuple[str, str]:
    if "," in text:  # "Tanaka, Taro" is family-first by convention
        family, given = (part.strip() for part in text.split(",", 1))
        return family, given
    words = text.split(" ")
    if len(words) == 1:
        return text, ""
    capitals = [i for i, w in enumerate(words) if len(w) > 1 and w.isupper()]
    if len(capitals) == 1 and not all(w.isupper() for w in words):
        # "TANAKA Taro": the capitalised word is the family name (Japanese convention)
        family = words.pop(capitals[0])
        return family, " ".join(words)
    # Western order: the last word is the family name.
    return words[-1], " ".join(words[:-1])


def split_full_name(value: str | None) -> tuple[str, str]:
    """Guess (family, given) from a name typed in one field, for imports and quick entry.

    A space (half- or full-width) decides when present. Otherwise the longest known
    common surname wins; for an unknown kanji name a 2-character name splits 1+1 and a
    longer one 2+rest (two-character surnames are by far the most common); an unknown
    kana-only name is not guessed: (name, ""). ASCII names are read in Western order
    ('Taro Tanaka' → ('Tanaka', 'Taro')) unless a comma ('Tanaka, Taro') or a single
    ALL-CAPS word ('TANAKA Taro') marks the family name. The result is a guess: show it.
    """
    if value and len(value) <= _CACHED_LENGTH:
        return _split_full_name_short(value)
    return _split_full_name(value)


def _split_full_name(value: str | None) -> tuple[str, str]:
    text = normalize_text(value)
    if not text:
        return "", ""
    if text.isascii():
        return _split_ascii(text)
    if " " in text:
        family, given = text.split(" ", 1)
        return family, given
    length = _known_surname_length(text, _SURNAME_KANJI)
    if not length:
        if is_kana(text):
            return split_full_kana(text)
        if len(text) < 2:
            return text, ""
        length = 1 if len(text) == 2 else 2
    return text[:length], text[length:]


def split_full_kana(value: str | None) -> tuple[str, str]:
    """Guess (family, given) from a reading typed in one field ('タナカタロウ'); the split
    follows the space if there is one, else the longest known surname reading. The text
    keeps its script (hiragana stays hiragana); an unknown surname gives (reading, "")."""
    if value and len(value) <= _CACHED_LENGTH:
        return _split_full_kana_short(value)
    return _split_full_kana(value)


def _split_full_kana(value: str | None) -> tuple[str, str]:
    text = normalize_text(value)
    if not text:
        return "", ""
    if " " in text:
        family, given = text.split(" ", 1)
        return family, given
    # to_katakana maps character for character, so positions carry over to the original.
    length = _known_surname_length(to_katakana(text), _SURNAME_KANA)
    return (text[:length], text[length:]) if length else (text, "")


_split_full_name_short = functools.lru_cache(maxsize=1 << 16)(_split_full_name)
_split_full_kana_short = functools.lru_cache(maxsize=1 << 16)(_split_full_kana)


# --- age ------------------------------------------------------------------------------

AGE_BANDS: tuple[str, ...] = ("10s", "20s", "30s", "40s", "50s", "60s", "70s+")


def age_on(birthday: date, today: date) -> int:
    """Age in completed years on ``today`` (the birthday itself counts; someone born on
    29 February turns a year older on 1 March in common years).

    A birthday after ``today`` gives a negative number rather than an error: ages are
    computed while rendering lists, where one mistyped birthday must not break the page
    (age_band turns it into "unknown"). Reject future birthdays where they are entered.
    """
    before_birthday = (today.month, today.day) < (birthday.month, birthday.day)
    return today.year - birthday.year - before_birthday


def age_band(age: int | None) -> str | None:
    """The age group used in segment reports: a key of AGE_BANDS, None when unknown."""
    if age is None or age < 0:
        return None
    if age < 20:
        return "10s"
    if age >= 70:
        return "70s+"
    return f"{age // 10 * 10}s"
