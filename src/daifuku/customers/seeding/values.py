"""Values the loader computes once per distinct input (phone prefixes, names)."""

from __future__ import annotations

from daifuku.core.errors import ValidationFailed
from daifuku.core.japanese import kana_sort_key, normalize_phone, normalize_text, to_katakana

from ..search_index import person_sort_kana
from ..validation import clean_phones

MOBILE_PREFIXES = frozenset({"090", "080", "070"})


class PhoneCache:
    """``clean_phones`` for well-formed Japanese numbers, computed once per prefix.

    A number's validity, E.164 form and national format depend on its leading digits and
    its length, never on the last four (the subscriber number), so the result for
    ``03-1234-5678`` gives the result for every ``03-1234-xxxx``. Anything not shaped like
    ``0…-…-NNNN`` goes through ``clean_phones`` itself."""

    def __init__(self) -> None:
        self._templates: dict[str, tuple[str, str, str] | None | bool] = {}
        self.slow = 0

    def row(self, raw: str) -> tuple[str, str, str, str, str] | None:
        """``(number, e164, digits, digits_reversed, kind)`` or None if not a valid number."""
        digits = raw.replace("-", "")
        if not (
            raw[0] == "0"
            and digits.isdigit()
            and digits.isascii()
            and raw[-5] == "-"
            and len(digits) >= 10
        ):
            return self._slow(raw)
        prefix, tail = digits[:-4], digits[-4:]
        template = self._templates.get(prefix, False)
        if template is False:
            phone = normalize_phone(raw)
            template = None
            if phone is not None and not phone.extension and phone.national == digits:
                template = (phone.e164[:-4], phone.formatted, phone.national[:-4])
            self._templates[prefix] = template
        if template is None:
            return None
        e164_head, formatted, national_head = template
        if formatted[-5] == "-" and formatted[-4:].isdigit():
            number = formatted[:-4] + tail
        else:  # e.g. 0120-123-456: the last four digits straddle a hyphen
            number = _replace_last_digits(formatted, tail)
        national = national_head + tail
        kind = "mobile" if national[:3] in MOBILE_PREFIXES else "home"
        return number, e164_head + tail, national, national[::-1], kind

    def _slow(self, raw: str) -> tuple[str, str, str, str, str] | None:
        self.slow += 1
        try:
            rows = clean_phones([raw])
        except ValidationFailed:
            return None
        row = rows[0]
        return row["number"], row["e164"], row["digits"], row["digits_reversed"], row["kind"]


def _replace_last_digits(template: str, tail: str) -> str:
    chars = list(template)
    position = len(chars) - 1
    for digit in reversed(tail):
        while not chars[position].isdigit():
            position -= 1
        chars[position] = digit
        position -= 1
    return "".join(chars)


class NameCache:
    """Cleaned name fields and sort keys, once per distinct (name, reading) combination."""

    def __init__(self) -> None:
        self._people: dict[tuple[str, str, str, str], tuple[str, str, str, str, str, str]] = {}
        self._text: dict[str, str] = {}

    def text(self, value: str) -> str:
        found = self._text.get(value)
        if found is None:
            found = self._text[value] = normalize_text(value)
        return found

    def person(self, family: str, given: str, family_kana: str, given_kana: str):
        """``(family, given, family_kana, given_kana, sort_kana, index_sort_kana)``."""
        key = (family, given, family_kana, given_kana)
        found = self._people.get(key)
        if found is None:
            f, g = normalize_text(family), normalize_text(given)
            fk, gk = to_katakana(family_kana), to_katakana(given_kana)
            found = (f, g, fk, gk, person_sort_kana(f, g, fk, gk), kana_sort_key(fk, gk))
            self._people[key] = found
        return found


# --- the load ----------------------------------------------------------------------------
