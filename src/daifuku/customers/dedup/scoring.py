"""How alike two customer records are, and why (名寄せ scoring).

Records are plain :class:`PersonRecord` tuples built from normalised data, so a scan over a
million people and the check while someone types in the create form score the same way.
The score is 0–100; each piece of evidence adds or removes points and names itself with a
stable reason code that the review queue and the API show:

=================  ======  =====================================================
reason             points  meaning
=================  ======  =====================================================
``email``           +60    an email address in common
``phone``           +50    a phone number in common (E.164)
``kana``            +25    the same reading (script, width and spacing ignored)
``name``            +20    the same name once 異体字 (髙/高, 﨑/崎 …) are folded
``name_similar``    +10    names that are close (rapidfuzz ratio ≥ 80)
``birthday``        +25    the same birthday
``postal_code``     +10    the same postal code
``address``         +15    the same street address (丁目/番地/hyphens, widths folded)
=================  ======  =====================================================

Contradictions count against: two different birthdays −60, two different readings −30,
two different postal codes −15. The last one is what keeps namesakes apart: in a ledger of
a million people the same common name and reading with the same birthday occurs thousands
of times by chance (≈ 2,700 pairs in the benchmark's million), and without anything else
in common (email, phone, address) such a pair stays a *probable* duplicate (55, shown
while typing a new customer) instead of entering the review queue (a customer who moved
still matches through an email or phone number in common).
A pair is proposed from :data:`THRESHOLD` points.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from daifuku.core.japanese import normalize_text, search_key

THRESHOLD = 60
# A reviewer still wants to hear about weaker matches while typing a new customer.
PROBABLE_THRESHOLD = 45

_ADDRESS_WORDS = re.compile(r"丁目|番地|番|の")
_ADDRESS_TAIL = re.compile(r"号$|-+$")


def name_key(family: str, given: str) -> str:
    """A name compared without width, spacing or 異体字 differences."""
    return search_key(f"{family}{given}")  # search_key folds 異体字 too


def kana_key(family_kana: str, given_kana: str) -> str:
    return search_key(f"{family_kana}{given_kana}")


def address_key(address_line: str) -> str:
    """'本町1丁目2-3', '本町１－２－３' and '本町1-2-3' are one address."""
    text = normalize_text(address_line).replace(" ", "")
    text = re.sub("[‐‑–—―−ー－]", "-", text)
    text = _ADDRESS_WORDS.sub("-", text)
    return _ADDRESS_TAIL.sub("", text.replace("--", "-"))


@dataclass
class PersonRecord:
    """What the matcher knows about a person, already normalised."""

    id: int | None
    name: str
    kana: str
    birthday: dt.date | None
    postal_code: str
    address: str
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    label: str = ""


def person_record(
    *,
    id,
    family_name,
    given_name,
    family_kana,
    given_kana,
    birthday,
    postal_code,
    address_line,
    emails=(),
    phones=(),
    label="",
) -> PersonRecord:
    return PersonRecord(
        id=id,
        name=name_key(family_name or "", given_name or ""),
        kana=kana_key(family_kana or "", given_kana or ""),
        birthday=birthday,
        postal_code=postal_code or "",
        address=address_key(address_line or ""),
        emails={e for e in emails if e},
        phones={p for p in phones if p},
        label=label,
    )


def score_people(a: PersonRecord, b: PersonRecord) -> tuple[int, list[str]]:
    """``(score 0–100, reasons)`` for two people; see the module docstring."""
    points = 0
    reasons: list[str] = []
    if a.emails & b.emails:
        points += 60
        reasons.append("email")
    if a.phones & b.phones:
        points += 50
        reasons.append("phone")
    if a.kana and b.kana:
        if a.kana == b.kana:
            points += 25
            reasons.append("kana")
        else:
            points -= 30
    if a.name and b.name:
        if a.name == b.name:
            points += 20
            reasons.append("name")
        elif fuzz.ratio(a.name, b.name) >= 80:
            points += 10
            reasons.append("name_similar")
    if a.birthday and b.birthday:
        if a.birthday == b.birthday:
            points += 25
            reasons.append("birthday")
        else:
            points -= 60
    if a.postal_code and a.postal_code == b.postal_code:
        points += 10
        reasons.append("postal_code")
        if a.address and a.address == b.address:
            points += 15
            reasons.append("address")
    elif a.postal_code and b.postal_code:
        points -= 15
    return max(0, min(100, points)), reasons


@dataclass
class CompanyRecord:
    id: int | None
    name: str
    kana: str
    corporate_number: str
    postal_code: str
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    label: str = ""


def score_companies(a: CompanyRecord, b: CompanyRecord) -> tuple[int, list[str]]:
    """Companies: the same 法人番号 is decisive; otherwise the name without its legal form
    (㈱/株式会社/(株) folded) with a phone, email, reading or postal code in common."""
    points = 0
    reasons: list[str] = []
    if a.corporate_number and b.corporate_number:
        if a.corporate_number == b.corporate_number:
            return 100, ["corporate_number"]
        points -= 60
    if a.name and a.name == b.name:
        points += 45
        reasons.append("company_name")
    elif a.name and b.name and fuzz.ratio(a.name, b.name) >= 85:
        points += 20
        reasons.append("name_similar")
    if a.kana and a.kana == b.kana:
        points += 10
        reasons.append("kana")
    if a.emails & b.emails:
        points += 40
        reasons.append("email")
    if a.phones & b.phones:
        points += 40
        reasons.append("phone")
    if a.postal_code and a.postal_code == b.postal_code:
        points += 15
        reasons.append("postal_code")
    return max(0, min(100, points)), reasons
