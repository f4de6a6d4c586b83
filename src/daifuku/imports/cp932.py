"""Writing text for Excel's Shift_JIS (CP932), saying what it could not hold.

CP932 has ①, ㈱ and 髙 but no emoji and not every kanji (𠮷 of 吉野家, 𩸽): such a character
is written as 〓 (the geta mark Japanese printing uses for a missing glyph) — one 〓 per
character as a person sees it, an emoji with its skin tone, variation selector or joined
family counted once — and the caller is told which, by code point, so the file can say
which row and column lost what (the lost character itself cannot be written in CP932)."""

from __future__ import annotations

import unicodedata

REPLACEMENT = "〓"
_JOINING = {0x200D}  # zero-width joiner: 👨‍👩‍👧 is one picture


def _encodable(char: str) -> bool:
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def _joins_previous(char: str) -> bool:
    code = ord(char)
    return (
        code in _JOINING
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or unicodedata.combining(char) != 0
    )


def to_cp932(value: str) -> tuple[str, list[str]]:
    """``(text CP932 can hold, ["U+1F600", …] of what was replaced by 〓)``."""
    try:
        value.encode("cp932")
        return value, []  # nearly every cell: one C-level check
    except UnicodeEncodeError:
        pass
    out: list[str] = []
    lost: list[str] = []
    replaced_last = False
    for char in value:
        if _encodable(char):
            out.append(char)
            replaced_last = False
            continue
        # a modifier, or anything after a joiner, belongs to the picture just replaced
        if replaced_last and (_joins_previous(char) or lost[-1].endswith("+U+200D")):
            lost[-1] += f"+U+{ord(char):04X}"
            continue
        out.append(REPLACEMENT)
        lost.append(f"U+{ord(char):04X}")
        replaced_last = True
    return "".join(out), lost


def row_to_cp932(cells: list[str], headers: list[str]) -> tuple[list[str], str]:
    """A row's cells for CP932 and the note saying what was replaced, column by column
    (「備考: U+1F600 → 〓」); "" when nothing was."""
    notes = []
    converted = []
    for index, cell in enumerate(cells):
        text, lost = to_cp932(cell)
        converted.append(text)
        if lost:
            column = headers[index] if index < len(headers) else str(index + 1)
            notes.append(f"{column}: {', '.join(lost)} → {REPLACEMENT}")
    return converted, "; ".join(notes)
