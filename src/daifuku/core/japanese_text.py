"""Text and kana folding: the canonical form of typed text, readings in katakana, search
and 五十音順 sort keys, readings from romaji. Part of :mod:`daifuku.core.japanese`.

The short-value caches (``_normalize_short``, ``_to_katakana_short``) live here because
every other normalisation (phones, emails, postal codes, names) starts from
:func:`normalize_text`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import jaconv

from .japanese_data import KANJI_VARIANTS

_FOLD_VARIANTS = str.maketrans(KANJI_VARIANTS)

# Invisible characters that arrive with copy-and-paste from web pages and Excel; NFKC
# keeps them, and they would make two identical-looking names different.
# Zero-width characters and control characters (NUL would even break PostgreSQL text).
_INVISIBLE = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u2060\ufeff]")
_WHITESPACE = re.compile(r"\s+")
# Every character people type for a dash or a long vowel, as they look after NFKC
# (ｰ has already become ー, － has become -, ～ has become ~). It is a regex character-class
# fragment: the ASCII hyphen is escaped so it never forms a range.
_DASHES = "~\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501\u301c\u30fc\uff5e\\-"
_KANA = "\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe"
_DASH_AFTER_KANA = re.compile(f"([{_KANA}])([{_DASHES}]+)")
_KATAKANA_ONLY = re.compile("[\u30a1-\u30fa\u30fc-\u30fe\u31f0-\u31ff ・]+")


def normalize_text(value: str | None) -> str:
    """The canonical form of any text a person typed: what we store and compare.

    Full-width letters and digits become half-width, half-width katakana becomes
    full-width (NFKC), every run of whitespace (including the full-width space) becomes
    one space, and the ends are trimmed. ``None`` means "nothing entered": "".
    """
    if not value:
        return ""
    if len(value) <= _CACHED_LENGTH:
        return _normalize_short(value)
    return _normalize(value)


# Imports and scans normalise the same short values (names, readings, prefectures, cities,
# postal codes) over and over; long free text is rarely repeated and is not cached.
_CACHED_LENGTH = 40


def _normalize(value: str) -> str:
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", value))
    return _WHITESPACE.sub(" ", text).strip()


_normalize_short = functools.lru_cache(maxsize=1 << 16)(_normalize)


def strip_invisible(value: str | None) -> str:
    """Multi-line text as typed, minus control and zero-width characters (newlines and
    tabs stay): for notes and other free text that must not be re-flowed."""
    return _INVISIBLE.sub("", value or "")


def _unify_long_vowels(text: str) -> str:
    # Only after a kana: "ラ-メン" is ラーメン, but "A-1" and "3-5" keep their hyphens.
    return _DASH_AFTER_KANA.sub(lambda m: m.group(1) + "ー" * len(m.group(2)), text)


def to_katakana(value: str | None) -> str:
    """A reading (フリガナ) in the one script we store readings in: katakana.

    Hiragana becomes katakana and any dash typed after a kana becomes 'ー'. Single spaces
    (e.g. between family and given name) are kept. Non-kana characters pass unchanged.
    """
    if not value:
        return ""
    if len(value) <= _CACHED_LENGTH:
        return _to_katakana_short(value)
    return _to_katakana(value)


def _to_katakana(value: str) -> str:
    return _unify_long_vowels(jaconv.hira2kata(normalize_text(value)))


_to_katakana_short = functools.lru_cache(maxsize=1 << 16)(_to_katakana)


def is_kana(value: str | None) -> bool:
    """True if the text is usable as a reading: only kana, 'ー', '・' and spaces."""
    text = to_katakana(value)
    return bool(text) and _KATAKANA_ONLY.fullmatch(text) is not None


def search_key(value: str | None) -> str:
    """The form used for BOTH indexing and querying search, so that width, case, script
    (ひらがな/カタカナ), dash style, spacing and 異体字 (髙橋 = 高橋, 齋藤 = 斉藤 = 斎藤,
    渡邊 = 渡辺: :func:`fold_variants`) never decide whether a customer is found."""
    return fold_variants(to_katakana(value).casefold().replace(" ", ""))


def fold_variants(text: str) -> str:
    """Text with every 異体字 of :data:`~daifuku.core.japanese_data.KANJI_VARIANTS` in its
    common form — the one folding search and 名寄せ share."""
    return text.translate(_FOLD_VARIANTS)


def kana_sort_key(family_kana: str | None, given_kana: str | None = "") -> str:
    """Key for listing people and companies in 五十音順: katakana family reading, a space,
    then the given reading. "" when there is no usable reading (callers sort those last)."""
    parts = [to_katakana(part) for part in (family_kana, given_kana)]
    parts = [part for part in parts if part]
    if not parts or not all(is_kana(part) for part in parts):
        return ""
    return " ".join(parts)


# Hepburn writes ん as "m" before b, m, p (Shimbashi, Gumma); jaconv only knows "n".
_HEPBURN_M = re.compile(r"m(?=[bmp])")
# jaconv turns a consonant it cannot place into っ ("abc" → あっっ); a っ that is not
# followed by a consonant-initial kana means the romaji was not Japanese.
_STRAY_SOKUON = re.compile("っ(?:$|[あいうえおぁぃぅぇぉゃゅょゎっんー ])")


def romaji_to_katakana(value: str | None) -> str | None:
    """Reading from a name typed in romaji ('Tanaka Taro' → 'タナカタロ'), for imports that
    only have Latin letters. None when the text is not convertible romaji."""
    text = normalize_text(value)
    if not text or not text.isascii() or not re.fullmatch(r"[A-Za-z' -]+", text):
        return None
    text = _HEPBURN_M.sub("n", text.lower())
    hiragana = jaconv.alphabet2kana(text)
    if re.search("[A-Za-z]", hiragana) or _STRAY_SOKUON.search(hiragana):
        return None
    katakana = jaconv.hira2kata(hiragana).replace(" ", "")
    return katakana or None


_ROMANIZABLE = re.compile(f"[A-Za-z0-9 _\\-{_KANA}ー・]+")


def romanize(value: str | None) -> str | None:
    """Hepburn-style romaji of text written in kana and Latin letters ('ご来店きっかけ' is
    not: kanji need a dictionary this project does not ship) — 'ラーメン' → 'ramen',
    'しゅっしん' → 'shusshin'; Latin letters and digits pass lower-cased. None when the
    text holds anything else (kanji) or nothing."""
    text = normalize_text(value)
    if not text or not _ROMANIZABLE.fullmatch(text):
        return None
    hiragana = jaconv.kata2hira(_unify_long_vowels(text)).replace("ー", "").replace("・", " ")
    return jaconv.kana2alphabet(hiragana).lower() or None
