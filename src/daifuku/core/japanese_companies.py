"""Company names split from their legal form (法人格), the 名寄せ key of a company, and the
corporate number (法人番号) check. Part of :mod:`daifuku.core.japanese`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .japanese_data import (
    LEGAL_FORM_ABBREVIATIONS,
    LEGAL_FORM_ENGLISH,
    LEGAL_FORM_WORDS,
    LEGAL_FORMS,
)
from .japanese_text import _DASHES, normalize_text, search_key


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
