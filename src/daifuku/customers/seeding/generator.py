"""A fast, deterministic generator of realistic Japanese CRM records (no database).

:class:`SeedGenerator` yields :class:`PersonSeed` and :class:`CompanySeed` records and
person–company links. The same ``seed`` and ``reference_date`` always give the same
records. Each stream (people, companies, contacts) has its own ``random.Random`` derived
from the seed, so ``people(n)`` does not change when ``companies`` is called first.

Speed matters because benchmarks seed a million people: weighted choices are precomputed
as flat tables (an item appears ``weight`` times) and drawn with ``table[int(random() *
len(table))]``, the hot loop keeps everything in local variables, and expensive work
(postal data, romaji) happens once per process.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from .duplicates import near_duplicate
from .names import (
    COMPANY_STEMS,
    COMPANY_SUFFIXES,
    FAMILY_NAMES,
    GIVEN_NAMES,
    GivenName,
    birth_era,
    romaji,
)
from .phrases import (
    APARTMENT_NAMES,
    DEPARTMENTS,
    NOTES,
    OFFICE_BUILDING_NAMES,
    PREFERENCE_FRAGMENTS,
    TITLES,
)
from .postal import postal_sample

T = TypeVar("T")

EMAIL_DOMAINS = ("example.jp", "example.com", "example.co.jp", "example.ne.jp", "example.org")
RELATIONS = ("spouse", "child", "parent", "sibling", "grandparent", "grandchild", "other")


def _table(weighted: Iterable[tuple[T, int]]) -> tuple[T, ...]:
    """Expand ``(item, integer weight)`` pairs so that a uniform index draws by weight."""
    return tuple(item for item, weight in weighted for _ in range(weight))


def _age_weight(age: int) -> int:
    """Relative number of adults of ``age`` (rough shape of Japan's 2025 population)."""
    points = ((18, 105), (25, 125), (35, 135), (45, 160), (52, 195), (55, 180), (62, 150),
              (70, 160), (76, 190), (80, 140), (85, 100), (90, 50))  # fmt: skip
    for (age0, weight0), (age1, weight1) in zip(points, points[1:], strict=False):
        if age0 <= age <= age1:
            return round(weight0 + (weight1 - weight0) * (age - age0) / (age1 - age0))
    return 0


_AGES = _table((age, _age_weight(age)) for age in range(18, 91))
_FAMILIES = _table((name, name.weight) for name in FAMILY_NAMES)
_GIVEN: dict[tuple[str, int], tuple[GivenName, ...]] = {}
for _name in GIVEN_NAMES:
    _GIVEN[_name.gender, _name.era] = (*_GIVEN.get((_name.gender, _name.era), ()), _name)

_STAGE_BY_LIFECYCLE = {
    "lead": _table((("exploratory", 8), ("basic", 2))),
    "prospect": _table((("exploratory", 5), ("basic", 4), ("collaborative", 1))),
    "customer": _table((("exploratory", 2), ("basic", 5), ("collaborative", 3))),
    "repeat": _table((("basic", 3), ("collaborative", 5), ("interconnected", 2))),
    "advocate": _table((("collaborative", 4), ("interconnected", 6))),
}
_LIFECYCLES = _table((("lead", 25), ("prospect", 20), ("customer", 35), ("repeat", 15),
                      ("advocate", 5)))  # fmt: skip
_CHANNELS = _table((("store", 30), ("web", 15), ("ec", 12), ("referral", 10), ("event", 7),
                    ("phone", 8), ("dm", 5), ("sns", 6), ("advertising", 5), ("other", 2)))  # fmt: skip
_DOMAINS = _table(zip(EMAIL_DOMAINS, (30, 25, 15, 20, 10), strict=True))
_MOBILE_PREFIXES = _table((("090", 50), ("080", 35), ("070", 15)))
_CHOME = _table(
    (f"{number}丁目", weight)
    for number, weight in zip(range(1, 7), (30, 25, 20, 13, 8, 4), strict=True)
)
_BAN = _table((str(number), 31 - number) for number in range(1, 31))
_GO = _table((str(number), 26 - number) for number in range(1, 26))
_FLOORS = _table((floor, 13 - floor) for floor in range(1, 13))
_PREFERENCES = tuple(PREFERENCE_FRAGMENTS) + tuple(
    first + second
    for first in PREFERENCE_FRAGMENTS
    for second in PREFERENCE_FRAGMENTS
    if first != second
)

_LEGAL_FORMS = _table((("kabushiki", 70), ("yugen", 14), ("godo", 8), ("goshi", 1), ("gomei", 1),
                       (None, 6)))  # fmt: skip
#: 2-digit kind in the corporate-number base, shaped like a 会社法人等番号.
_LEGAL_FORM_KIND = {"kabushiki": "01", "yugen": "02", "gomei": "03", "goshi": "04", "godo": "05"}
_SIZES_LARGE_FORM = _table(
    (("1-9", 40), ("10-49", 30), ("50-299", 18), ("300-999", 8), ("1000+", 4))
)
_SIZES_SMALL_FORM = _table((("1-9", 75), ("10-49", 22), ("50-299", 3)))
#: Company size by legal form: large firms are 株式会社; sole proprietors are tiny.
_SIZES_BY_LEGAL_FORM = {
    "kabushiki": _SIZES_LARGE_FORM,
    None: _table((("1-9", 9), ("10-49", 1))),
}
_SUFFIXES = _table((suffix, suffix.weight) for suffix in COMPANY_SUFFIXES)
_DEPARTMENTS = _table(DEPARTMENTS)
_TITLES = _table(((title, per_mille), weight) for title, weight, per_mille in TITLES)


@dataclass(slots=True)
class HouseholdSeed:
    """A family member known to the shop (家族構成): full name "姓 名", reading, relation."""

    name: str
    kana: str  # katakana, "タナカ ハナコ"
    relation: str  # one of RELATIONS, seen from the customer ("child" = the customer's child)
    birthday: date | None


@dataclass(slots=True)
class PersonSeed:
    """One individual customer (個人顧客) as a shop or sales team would have recorded them.

    Optional facts are ``None`` (birthday, email, phone) or ``""`` (building, preferences,
    notes, gender when unspecified). ``duplicate_of`` is the index of the earlier person this
    record is a planted near-duplicate of, else ``None``.
    """

    family_name: str
    given_name: str
    family_kana: str  # katakana (hiragana / half-width only in planted duplicates)
    given_kana: str
    gender: str  # 'female' | 'male' | ''
    birthday: date | None
    email: str | None  # reserved example domains only, unique among originals
    phone: str | None  # "090-1234-5678", "03-1234-5678", "045-123-4567"
    postal_code: str  # 7 digits, a real code
    prefecture: str
    city: str
    address_line: str  # town + block number, "本町1丁目2-3"
    building: str  # "メゾン青葉 305号室" or ""
    relationship_stage: str  # exploratory | basic | collaborative | interconnected
    lifecycle: str  # lead | prospect | customer | repeat | advocate
    source_channel: (
        str  # store | web | ec | referral | event | phone | dm | sns | advertising | other
    )
    preferences: str
    notes: str
    household: list[HouseholdSeed] = field(default_factory=list)
    duplicate_of: int | None = None


@dataclass(slots=True)
class CompanySeed:
    """One business customer (法人顧客).

    ``name`` is the base name without legal form; the full name puts 株式会社 etc. before
    or after it per ``legal_form_position``. ``kana`` reads the base name only.
    ``corporate_number`` (法人番号) is ``None`` for sole proprietors (``legal_form`` None).
    """

    name: str
    legal_form: str | None  # kabushiki | yugen | godo | goshi | gomei | None (個人事業)
    legal_form_position: str | None  # 'before' (前株) | 'after' (後株) | None
    kana: str
    corporate_number: str | None  # 13 digits, valid check digit, unique in a run
    phone: str | None
    postal_code: str
    prefecture: str
    city: str
    address_line: str
    building: str
    industry: str  # JSIC major division 'A'..'T'
    size: str  # '1-9' | '10-49' | '50-299' | '300-999' | '1000+'
    website: str | None  # https://<romaji>.example.co.jp


def corporate_check_digit(base: str) -> int:
    """Check digit of a 法人番号 for its 12-digit ``base`` (it is prefixed to the base).

    9 − (Σ Pₙ·Qₙ mod 9), Pₙ the n-th digit counted from the right, Qₙ 1 for odd n, 2 for even.
    """
    total = sum(int(digit) * (2 if n % 2 == 0 else 1) for n, digit in enumerate(reversed(base), 1))
    return 9 - total % 9


def _landline_parts(area_code: str) -> tuple[int, int]:
    """(lowest exchange number, how many) for an area code: 10 digits in all, no 0/1 start."""
    width = 6 - len(area_code)
    low = 2 * 10 ** (width - 1)
    return low, 10**width - low


class SeedGenerator:
    """Deterministic source of seed records; see the module docstring."""

    def __init__(self, seed: int = 1, reference_date: date = date(2026, 1, 1)) -> None:
        self.seed = seed
        self.reference_date = reference_date
        self._postal = postal_sample()
        self._landline = {
            entry.area_code: _landline_parts(entry.area_code) for entry in self._postal
        }

    def _rng(self, stream: str) -> random.Random:
        return random.Random(f"daifuku:{self.seed}:{stream}")

    def _birthday(self, rnd, age: int) -> date:
        return date.fromordinal(self.reference_date.toordinal() - int((age + rnd()) * 365.2425))

    def _given(self, rnd, gender: str, birth_year: int) -> GivenName:
        era = birth_era(birth_year)
        if rnd() < 0.15:  # names drift across the era boundaries
            era = min(4, max(1, era + (1 if rnd() < 0.5 else -1)))
        if not gender:
            gender = "female" if rnd() < 0.5 else "male"
        names = _GIVEN[gender, era]
        return names[int(rnd() * len(names))]

    def people(self, n: int, duplicate_rate: float = 0.0) -> Iterator[PersonSeed]:
        """Yield ``n`` people; about ``duplicate_rate`` of them are planted near-duplicates.

        A duplicate's ``duplicate_of`` is the index (in this stream) of an earlier original;
        originals are drawn uniformly from a reservoir of earlier ones, so memory stays
        bounded for a million people.
        """
        rng = self._rng("people")
        rnd = rng.random
        families, n_families = _FAMILIES, len(_FAMILIES)
        ages, n_ages = _AGES, len(_AGES)
        postal, n_postal = self._postal, len(self._postal)
        landline = self._landline
        reference_ordinal = self.reference_date.toordinal()
        fromordinal = date.fromordinal
        given_by = _GIVEN
        lifecycles, n_lifecycles = _LIFECYCLES, len(_LIFECYCLES)
        stages = {key: (table, len(table)) for key, table in _STAGE_BY_LIFECYCLE.items()}
        channels, n_channels = _CHANNELS, len(_CHANNELS)
        domains, n_domains = _DOMAINS, len(_DOMAINS)
        mobiles, n_mobiles = _MOBILE_PREFIXES, len(_MOBILE_PREFIXES)
        chome, n_chome, ban, n_ban, go, n_go = _CHOME, len(_CHOME), _BAN, len(_BAN), _GO, len(_GO)
        apartments, n_apartments = APARTMENT_NAMES, len(APARTMENT_NAMES)
        floors, n_floors = _FLOORS, len(_FLOORS)
        preferences, n_preferences = _PREFERENCES, len(_PREFERENCES)
        notes, n_notes = NOTES, len(NOTES)
        household = self._household
        pool: list[tuple[int, PersonSeed]] = []
        pool_size = 10_000
        originals = 0
        for index in range(n):
            if duplicate_rate and pool and rnd() < duplicate_rate:
                original_index, original = pool[int(rnd() * len(pool))]
                local = f"{romaji(original.given_kana)}.{romaji(original.family_kana)}"
                fresh = f"{local}{index}@{domains[int(rnd() * n_domains)]}"
                yield near_duplicate(rng, original, original_index, fresh)
                continue
            family = families[int(rnd() * n_families)]
            roll = rnd()
            gender = "female" if roll < 0.52 else ("male" if roll < 0.97 else "")
            age = ages[int(rnd() * n_ages)]
            born = fromordinal(reference_ordinal - int((age + rnd()) * 365.2425))
            era = birth_era(born.year)
            if rnd() < 0.15:  # names drift across the era boundaries
                era = min(4, max(1, era + (1 if rnd() < 0.5 else -1)))
            names = given_by[gender or ("female" if rnd() < 0.5 else "male"), era]
            given = names[int(rnd() * len(names))]
            code, prefecture, city, town, has_chome, area_code = postal[int(rnd() * n_postal)]
            if has_chome:
                address_line = f"{town}{chome[int(rnd() * n_chome)]}{ban[int(rnd() * n_ban)]}-{go[int(rnd() * n_go)]}"
            elif town and rnd() < 0.5:
                address_line = f"{town}{int(rnd() * rnd() * 2000) + 1}-{go[int(rnd() * n_go)]}"
            else:
                address_line = f"{town}{int(rnd() * rnd() * 2000) + 1}番地"
            if rnd() < 0.3:
                room = floors[int(rnd() * n_floors)] * 100 + int(rnd() * 8) + 1
                building = f"{apartments[int(rnd() * n_apartments)]} {room}号室"
            else:
                building = ""
            if rnd() < (0.85 if age < 60 else 0.55):
                g, f = given.romaji, family.romaji
                roll = rnd()
                if roll < 0.4:
                    local = f"{g}.{f}"
                elif roll < 0.6:
                    local = f"{f}.{g}"
                elif roll < 0.8:
                    local = f"{g}_{f}"
                else:
                    local = f"{g[0]}{f}"
                email = f"{local}{index}@{domains[int(rnd() * n_domains)]}"
            else:
                email = None
            roll = rnd()
            if roll >= 0.82:
                phone = None
            elif roll < (0.72 if age < 40 else (0.55 if age < 70 else 0.35)):
                phone = f"{mobiles[int(rnd() * n_mobiles)]}-{int(rnd() * 9000) + 1000}-{int(rnd() * 10000):04d}"
            else:
                low, span = landline[area_code]
                phone = f"{area_code}-{low + int(rnd() * span)}-{int(rnd() * 10000):04d}"
            lifecycle = lifecycles[int(rnd() * n_lifecycles)]
            stage_table, n_stages = stages[lifecycle]
            person = PersonSeed(
                family_name=family.kanji,
                given_name=given.kanji,
                family_kana=family.kana,
                given_kana=given.kana,
                gender=gender,
                birthday=born if rnd() >= 0.1 else None,
                email=email,
                phone=phone,
                postal_code=code,
                prefecture=prefecture,
                city=city,
                address_line=address_line,
                building=building,
                relationship_stage=stage_table[int(rnd() * n_stages)],
                lifecycle=lifecycle,
                source_channel=channels[int(rnd() * n_channels)],
                preferences=preferences[int(rnd() * n_preferences)] if rnd() < 0.3 else "",
                notes=notes[int(rnd() * n_notes)] if rnd() < 0.15 else "",
                household=household(rnd, family, gender, age) if rnd() < 0.4 else [],
            )
            if duplicate_rate:
                originals += 1
                if len(pool) < pool_size:
                    pool.append((index, person))
                else:  # reservoir sampling keeps a uniform sample of all originals so far
                    slot = int(rnd() * originals)
                    if slot < pool_size:
                        pool[slot] = (index, person)
            yield person

    def _household(self, rnd, family, gender: str, age: int) -> list[HouseholdSeed]:
        """0–4 family members whose relations and ages fit a customer of ``age``.

        Spouses and children share the family name; parents, siblings and grandparents
        usually do (a married daughter's parents do not), an "other" never does.
        """
        # (relation, chance of the same family name, member's age, member's gender)
        wanted: list[tuple[str, float, int, str]] = []
        if age >= 22 and rnd() < (0.35 if age < 30 else (0.7 if age < 75 else 0.45)):
            shift = 2 if gender == "female" else (-2 if gender == "male" else 0)
            partner = "male" if gender == "female" else ("female" if gender == "male" else "")
            wanted.append(("spouse", 1.0, max(18, age + shift + int(rnd() * 7) - 3), partner))
        if age >= 24 and rnd() < 0.6:
            for _ in range(1 + (rnd() < 0.55) + (rnd() < 0.2)):
                child_age = age - 20 - int(rnd() * 21)  # born when the customer was 20–40
                if child_age >= 0:
                    wanted.append(("child", 1.0, child_age, ""))
        if age <= 60 and rnd() < 0.2:
            wanted.append(("parent", 0.85, min(100, age + 20 + int(rnd() * 21)), ""))
        if age <= 30 and rnd() < 0.1:
            wanted.append(("grandparent", 0.6, min(100, age + 45 + int(rnd() * 21)), ""))
        if age >= 62 and rnd() < 0.3 and (grandchild_age := age - 45 - int(rnd() * 21)) >= 0:
            wanted.append(("grandchild", 0.6, grandchild_age, ""))
        if rnd() < 0.08 and (sibling_age := age + int(rnd() * 17) - 8) != age:
            wanted.append(("sibling", 0.85, max(0, sibling_age), ""))
        if rnd() < 0.03:
            wanted.append(("other", 0.0, 18 + int(rnd() * 60), ""))
        return [
            self._member(rnd, relation, family if rnd() < same else None, member_gender, years)
            for relation, same, years, member_gender in wanted[:4]
        ]

    def _member(self, rnd, relation: str, family, gender: str, age: int) -> HouseholdSeed:
        """One household member; ``family`` None means another family name."""
        if family is None:
            family = _FAMILIES[int(rnd() * len(_FAMILIES))]
        born = self._birthday(rnd, age)
        given = self._given(rnd, gender, born.year)
        return HouseholdSeed(
            name=f"{family.kanji} {given.kanji}",
            kana=f"{family.kana} {given.kana}",
            relation=relation,
            birthday=born if rnd() >= 0.2 else None,
        )

    def companies(self, n: int) -> Iterator[CompanySeed]:
        """Yield ``n`` companies; corporate numbers and web hosts are unique in the stream."""
        rng = self._rng("companies")
        rnd = rng.random
        postal, n_postal = self._postal, len(self._postal)
        tokyo = tuple(entry for entry in postal if entry.prefecture == "東京都")
        stems, n_stems = COMPANY_STEMS, len(COMPANY_STEMS)
        suffixes, n_suffixes = _SUFFIXES, len(_SUFFIXES)
        legal_forms, n_legal_forms = _LEGAL_FORMS, len(_LEGAL_FORMS)
        chome, ban, go = _CHOME, _BAN, _GO
        # The 12-digit base is office(4) + kind(2) + serial(6). (office, serial) comes from
        # index·A + B mod 9000·10⁶ with A coprime to the modulus: a bijection, so numbers
        # never repeat (for fewer than 9·10⁹ companies) yet look scattered.
        multiplier, offset, modulus = 1_234_567_891, int(rnd() * 9_000_000_000), 9_000_000_000
        hosts: set[str] = set()
        for index in range(n):
            stem = stems[int(rnd() * n_stems)]
            suffix = suffixes[int(rnd() * n_suffixes)]
            legal_form = legal_forms[int(rnd() * n_legal_forms)]
            if legal_form is None:
                position = corporate_number = None
            else:
                position = "before" if rnd() < 0.4 else "after"
                office, serial = divmod((index * multiplier + offset) % modulus, 1_000_000)
                base = f"{office + 100:04d}{_LEGAL_FORM_KIND[legal_form]}{serial:06d}"
                corporate_number = f"{corporate_check_digit(base)}{base}"
            entry = tokyo[int(rnd() * len(tokyo))] if rnd() < 0.3 else postal[int(rnd() * n_postal)]
            if entry.has_chome:
                address_line = f"{entry.town}{rng.choice(chome)}{rng.choice(ban)}-{rng.choice(go)}"
            else:
                address_line = f"{entry.town}{int(rnd() * rnd() * 3000) + 1}番地"
            roll = rnd()
            floor = _FLOORS[int(rnd() * len(_FLOORS))]
            if roll < 0.25:
                building = f"{stem.kanji}ビル {floor}F"
            elif roll < 0.6:
                building = f"{rng.choice(OFFICE_BUILDING_NAMES)} {floor}階"
            else:
                building = ""
            roll = rnd()
            if roll < 0.03:
                phone = None
            elif roll < 0.08:
                phone = f"0120-{int(rnd() * 900) + 100}-{int(rnd() * 1000):03d}"
            else:
                low, span = self._landline[entry.area_code]
                phone = f"{entry.area_code}-{low + int(rnd() * span)}-{int(rnd() * 10000):04d}"
            website = None
            if rnd() < 0.65:
                host = f"{stem.romaji}-{suffix.romaji}"
                if host in hosts:
                    host = f"{host}{index}"
                hosts.add(host)
                website = f"https://{host}.example.co.jp"
            sizes = _SIZES_BY_LEGAL_FORM.get(legal_form, _SIZES_SMALL_FORM)
            yield CompanySeed(
                name=f"{stem.kanji}{suffix.kanji}",
                legal_form=legal_form,
                legal_form_position=position,
                kana=f"{stem.kana}{suffix.kana}",
                corporate_number=corporate_number,
                phone=phone,
                postal_code=entry.code,
                prefecture=entry.prefecture,
                city=entry.city,
                address_line=address_line,
                building=building,
                industry=suffix.industry,
                size=sizes[int(rnd() * len(sizes))],
                website=website,
            )

    def contacts(
        self, person_count: int, company_count: int
    ) -> Iterator[tuple[int, int, str, str, bool]]:
        """Link about one person in five to a company as a contact (担当者).

        Yields ``(person_index, company_index, department, title, is_key_person)``, person
        indexes ascending; each linked person works at exactly one company.
        """
        if company_count <= 0:
            return
        rnd = self._rng("contacts").random
        departments, n_departments = _DEPARTMENTS, len(_DEPARTMENTS)
        titles, n_titles = _TITLES, len(_TITLES)
        for person_index in range(person_count):
            if rnd() >= 0.2:
                continue
            title, key_per_mille = titles[int(rnd() * n_titles)]
            department = (
                "" if title in ("代表取締役", "取締役") else departments[int(rnd() * n_departments)]
            )
            yield (
                person_index,
                int(rnd() * company_count),
                department,
                title,
                rnd() * 1000 < key_per_mille,
            )
