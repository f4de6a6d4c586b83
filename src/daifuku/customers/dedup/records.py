"""Loading customers as matcher records (normalised, with their emails and phones), in
chunks so a scan over a million people never holds more than it scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from daifuku.core.japanese import search_key

from ..models import Company, EmailAddress, Person, PhoneNumber
from .scoring import CompanyRecord, PersonRecord, kana_key, person_record

CHUNK = 900  # under SQLite's bound-parameter limit


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _contact_points(
    owner_field: str, ids: list[int]
) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    emails: dict[int, set[str]] = defaultdict(set)
    phones: dict[int, set[str]] = defaultdict(set)
    for owner, address in EmailAddress.objects.filter(**{f"{owner_field}__in": ids}).values_list(
        owner_field, "address"
    ):
        emails[owner].add(address)
    for owner, e164 in PhoneNumber.objects.filter(**{f"{owner_field}__in": ids}).values_list(
        owner_field, "e164"
    ):
        phones[owner].add(e164)
    return emails, phones


PERSON_COLUMNS = (
    "id",
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "birthday",
    "postal_code",
    "address_line",
)


def load_people(ids: Iterable[int]) -> dict[int, PersonRecord]:
    """Records of the alive people among ``ids``."""
    result: dict[int, PersonRecord] = {}
    for chunk in _chunks(sorted(set(ids))):
        emails, phones = _contact_points("person_id", chunk)
        for row in Person.objects.filter(pk__in=chunk).values_list(*PERSON_COLUMNS):
            values = dict(zip(PERSON_COLUMNS, row, strict=True))
            pk = values["id"]
            result[pk] = person_record(
                **values,
                emails=emails.get(pk, ()),
                phones=phones.get(pk, ()),
                label=f"{values['family_name']} {values['given_name']}".strip(),
            )
    return result


def load_companies(ids: Iterable[int]) -> dict[int, CompanyRecord]:
    result: dict[int, CompanyRecord] = {}
    for chunk in _chunks(sorted(set(ids))):
        emails, phones = _contact_points("company_id", chunk)
        for pk, name, kana, number, postal in Company.objects.filter(pk__in=chunk).values_list(
            "id", "name", "kana", "corporate_number", "postal_code"
        ):
            result[pk] = company_record(
                pk, name, kana, number, postal, emails.get(pk, ()), phones.get(pk, ())
            )
    return result


def company_record(pk, name, kana, number, postal, emails=(), phones=()) -> CompanyRecord:
    return CompanyRecord(
        id=pk,
        name=search_key(name),
        kana=kana_key(kana, ""),
        corporate_number=number or "",
        postal_code=postal or "",
        emails=set(emails),
        phones=set(phones),
        label=name,
    )
