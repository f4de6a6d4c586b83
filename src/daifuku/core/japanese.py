"""Normalisation of Japanese text: the one place search, dedup (名寄せ) and import agree on.

Every function is pure and cheap, needs no database and no configured Django settings to
be imported (user-facing messages are lazy translations, rendered only when shown).
Callers import from here; the code lives in one module per subject:

* :mod:`~daifuku.core.japanese_text` — canonical text, kana folding, search and sort keys;
* :mod:`~daifuku.core.japanese_collation` — 五十音順 (JIS X 4061) collation keys;
* :mod:`~daifuku.core.japanese_phones` — telephone numbers;
* :mod:`~daifuku.core.japanese_emails` — email addresses;
* :mod:`~daifuku.core.japanese_addresses` — postal codes and prefectures;
* :mod:`~daifuku.core.japanese_companies` — company names and corporate numbers;
* :mod:`~daifuku.core.japanese_people` — personal names and ages.

Constant tables live in :mod:`daifuku.core.japanese_data`.
"""

from __future__ import annotations

# ``X as X``: importable from here as before the split though outside the public list —
# strip_invisible and the data tables have callers; the fast-path tests compare the private
# fast paths with the libraries and clear the postal-code cache (same objects as in the modules).
from .japanese_addresses import (
    PostalArea,
    format_postal_code,
    lookup_postal_code,
    normalize_postal_code,
    normalize_prefecture,
)
from .japanese_addresses import _lookup_postal_code as _lookup_postal_code
from .japanese_collation import NO_READING, collation_key, name_collation_key, reading_collation_key
from .japanese_companies import (
    CompanyName,
    company_match_key,
    corporate_number_check_digit,
    split_company_name,
    validate_corporate_number,
)
from .japanese_data import KANJI_VARIANTS as KANJI_VARIANTS
from .japanese_data import LEGAL_FORM_ABBREVIATIONS as LEGAL_FORM_ABBREVIATIONS
from .japanese_data import LEGAL_FORM_ENGLISH as LEGAL_FORM_ENGLISH
from .japanese_data import LEGAL_FORM_WORDS as LEGAL_FORM_WORDS
from .japanese_data import LEGAL_FORMS, PREFECTURE_NAMES, PREFECTURES
from .japanese_data import PREFECTURE_ROMAJI as PREFECTURE_ROMAJI
from .japanese_data import SURNAMES as SURNAMES
from .japanese_emails import _PLAIN_EMAIL as _PLAIN_EMAIL
from .japanese_emails import normalize_email, validate_email_address
from .japanese_people import AGE_BANDS, age_band, age_on, split_full_kana, split_full_name
from .japanese_phones import _DASH as _DASH
from .japanese_phones import Phone, normalize_phone, phone_digits
from .japanese_phones import _japanese_phone as _japanese_phone
from .japanese_phones import _parse_phone as _parse_phone
from .japanese_text import (
    fold_variants,
    is_kana,
    kana_sort_key,
    normalize_text,
    romaji_to_katakana,
    romanize,
    search_key,
    to_katakana,
)
from .japanese_text import strip_invisible as strip_invisible

__all__ = [  # the public API; everything else is private to the japanese_* modules
    "AGE_BANDS", "LEGAL_FORMS", "NO_READING", "collation_key", "name_collation_key", "reading_collation_key", "PREFECTURES", "PREFECTURE_NAMES", "CompanyName", "Phone",
    "PostalArea", "age_band", "age_on", "company_match_key", "corporate_number_check_digit",
    "fold_variants", "format_postal_code", "is_kana", "kana_sort_key", "lookup_postal_code", "normalize_email",
    "normalize_phone", "normalize_postal_code", "normalize_prefecture", "normalize_text",
    "phone_digits", "romaji_to_katakana", "romanize", "search_key", "split_company_name", "split_full_kana",
    "split_full_name", "to_katakana", "validate_corporate_number", "validate_email_address",
]  # fmt: skip
