"""五十音順 as a dictionary orders it (JIS X 4061, 日本語文字列照合順番): the collation key
that lists sort people and companies by. Part of :mod:`daifuku.core.japanese`.

Code-point order is not 五十音順: it compares バ and パ as letters of their own after
ハ (so ババ and パク came after every ハ… reading) and the long-vowel mark ー after every
kana (so ハーン came after ハン). A dictionary compares in levels, each only when the
ones before are equal:

1. the base kana (voicing marks and small kana ignored; ー counts as the vowel it
   lengthens: ハー = ハア; hiragana and katakana alike) — ハーン < ハク < ババ < ハン;
2. 清音 < 濁音 < 半濁音 — ハ < バ < パ;
3. small kana before their full size — ッ < ツ, ャ < ヤ;
4. the kind of character — a kana before the ー that stands for it (ハア < ハー), then an
   iteration mark (ヽ, ヾ).

The key is plain ASCII digits and capital letters, so a byte-wise (SQLite, PostgreSQL's
C collation) and a linguistic collation (en_US, ja_JP) order it the same, and an
ordinary B-tree index on the column gives the list its order:
``level 1 (two digits a character) + "0" + level 2 + level 3 + level 4 (one digit a
character each)``. Every level-1 weight starts with 1–5, so a reading that is a prefix of
another sorts first, and "0" ends level 1. A reading's key is unique to it (it keeps
every level), so equal keys mean the same reading (名寄せ blocks on it); readings longer
than :data:`MAX_READING` characters are cut (tied beyond it, then sorted by id).
A name without a reading gets :data:`NO_READING` followed by the name's UTF-8 bytes in hex
(code-point order), after every reading.
"""

from __future__ import annotations

import functools

from .japanese_text import kana_sort_key

MAX_READING = 39  # characters kept in a key: 5 × 39 + 1 fits the 200-character columns
NO_READING = "9"  # keys of customers without a reading start here, after every reading
_NAME_BYTES = 99  # UTF-8 bytes of a name without a reading kept (two hex digits each)

_BASE = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨ"
    "ラリルレロワヰヱヲン"
)
_VOWELS = "アイウエオ"
# Level-1 weights: space (between family and given reading) and ・ first, then 五十音.
_SPACE_WEIGHT = "10"
_WEIGHT = {kana: f"{11 + index:02d}" for index, kana in enumerate(_BASE)}
_LONE_LONG_VOWEL = "59"  # a ー with no kana before it (a typo): after ン

_PLAIN, _VOICED, _SEMI = "0", "1", "2"
_SMALL, _FULL = "0", "1"
_KANA, _LONG, _REPEAT = "1", "2", "3"  # level 4; hiragana (and a space) are "0", ・ "1"


def _table() -> dict[str, tuple[str, str, str]]:
    """Each katakana → (base kana, voicing, size)."""
    table = {kana: (kana, _PLAIN, _FULL) for kana in _BASE}
    voiced = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ"
    unvoiced = "カキクケコサシスセソタチツテトハヒフヘホ"
    table.update({v: (u, _VOICED, _FULL) for v, u in zip(voiced, unvoiced, strict=True)})
    table.update({p: (u, _SEMI, _FULL) for p, u in zip("パピプペポ", "ハヒフヘホ", strict=True)})
    table.update(
        {
            s: (u, _PLAIN, _SMALL)
            for s, u in zip("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ", strict=True)
        }
    )
    table.update({v: (u, _VOICED, _FULL) for v, u in zip("ヴヷヸヹヺ", "ウワヰヱヲ", strict=True)})
    # Ainu small katakana (ㇰ…ㇿ) are small forms of ordinary kana.
    table.update(
        {
            s: (u, _PLAIN, _SMALL)
            for s, u in zip(
                "ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ", "クシストヌハヒフヘホムラリルレロ", strict=True
            )
        }
    )
    return table


_KATAKANA = _table()
# The vowel a ー after each base kana lengthens (ア…モ are the first seven rows of five).
_VOWEL_OF = {kana: _VOWELS[index % 5] for index, kana in enumerate(_BASE[:35])}
_VOWEL_OF.update(
    {
        "ヤ": "ア",
        "ユ": "ウ",
        "ヨ": "オ",
        "ラ": "ア",
        "リ": "イ",
        "ル": "ウ",
        "レ": "エ",
        "ロ": "オ",
        "ワ": "ア",
        "ヰ": "イ",
        "ヱ": "エ",
        "ヲ": "オ",
        "ン": "ン",
    }
)


def _hiragana_to_katakana(char: str) -> str:
    code = ord(char)
    return chr(code + 0x60) if 0x3041 <= code <= 0x3096 or code in (0x309D, 0x309E) else char


@functools.lru_cache(maxsize=1 << 16)
def collation_key(reading: str) -> str:
    """The JIS X 4061 key of a reading in kana (katakana or hiragana; spaces and ・
    separate words). Characters that are not kana are left out of it; "" for "". Pure."""
    level1: list[str] = []
    level2: list[str] = []
    level3: list[str] = []
    level4: list[str] = []
    previous_base = None  # base kana of the last kana, for ー and ヽ
    for char in reading[:MAX_READING]:
        hiragana = "\u3041" <= char <= "\u309e"
        char = _hiragana_to_katakana(char)
        if char in (" ", "\u3000", "・"):
            level1.append(_SPACE_WEIGHT)
            level2.append(_PLAIN)
            level3.append(_FULL)
            level4.append("0" if char != "・" else "1")
            previous_base = None
            continue
        if char == "ー":
            vowel = _VOWEL_OF.get(previous_base) if previous_base else None
            level1.append(_WEIGHT[vowel] if vowel else _LONE_LONG_VOWEL)
            level2.append(_PLAIN)
            level3.append(_FULL)
            level4.append(_LONG)
            continue
        if char in ("ヽ", "ヾ"):
            if previous_base is None:
                continue
            level1.append(_WEIGHT[previous_base])
            level2.append(_VOICED if char == "ヾ" else _PLAIN)
            level3.append(_FULL)
            level4.append(_REPEAT)
            continue
        entry = _KATAKANA.get(char)
        if entry is None:
            continue
        base, voicing, size = entry
        level1.append(_WEIGHT[base])
        level2.append(voicing)
        level3.append(size)
        level4.append("0" if hiragana else _KANA)
        previous_base = base
    if not level1:
        return ""
    return "".join(level1) + "0" + "".join(level2) + "".join(level3) + "".join(level4)


def name_collation_key(name: str) -> str:
    """Key of a customer known only by name (no reading): after every reading, among
    themselves in code-point order of the name."""
    return NO_READING + name[:_NAME_BYTES].encode("utf-8")[:_NAME_BYTES].hex().upper()


def reading_collation_key(family_kana: str | None, given_kana: str | None = "") -> str:
    """Key of a customer's reading (family, space, given — as typed in any kana form), ""
    when there is no usable reading: the one function every writer of ``sort_kana`` and
    every 名寄せ lookup on it goes through."""
    return collation_key(kana_sort_key(family_kana, given_kana))
