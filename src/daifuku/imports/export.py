"""Getting customers out: CSV (Excel CP932, UTF-8 with BOM, UTF-8), .xlsx, vCard 4.0 and a
lossless JSON backup. Rows are produced in keyset chunks, so any list streams in constant
memory; spreadsheet cells that a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from daifuku.core import audit
from daifuku.core.japanese import format_postal_code
from daifuku.customers import list_extensions
from daifuku.customers.models import (
    Consent,
    Contact,
    EmailAddress,
    HouseholdMember,
    Person,
    PhoneNumber,
)

from . import cp932

FORMATS = {
    "csv_cp932": ("text/csv; charset=shift_jis", "csv"),
    "csv_bom": ("text/csv; charset=utf-8", "csv"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "vcf": ("text/vcard; charset=utf-8", "vcf"),
    "json": ("application/json", "json"),
}
CHUNK = 2000
# What a spreadsheet reads as the start of a formula: Excel takes the full-width signs
# (＝＋－＠, typed with the IME on) for the half-width ones.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(value: str) -> str:
    """A cell that starts like a formula gets a leading apostrophe (OWASP CSV injection).
    The one neutraliser of every file Daifuku writes for a spreadsheet: exports and the
    failed-rows file of an import (:func:`unneutralise` takes it off again on import)."""
    return "'" + value if value and value.startswith(FORMULA_START) else value


def unneutralise(value: str) -> str:
    """The cell as it was before :func:`neutralise`: a file Daifuku wrote (an export, the
    failed rows corrected in Excel) imports with the values it had, "+81…" not "'+81…"."""
    return (
        value[1:]
        if value[:1] == "'" and value[1:2] and value[1:].startswith(FORMULA_START)
        else value
    )


@dataclass(frozen=True)
class Column:
    header: str
    field: str


def columns() -> list[Column]:
    """Headers in Japanese business wording; importing the file maps them back by itself."""
    return [
        Column("姓", "family_name"),
        Column("名", "given_name"),
        Column("セイ", "family_kana"),
        Column("メイ", "given_kana"),
        Column("メールアドレス", "email"),
        Column("電話番号", "phone"),
        Column("郵便番号", "postal_code"),
        Column("都道府県", "prefecture"),
        Column("市区町村", "city"),
        Column("番地", "address_line"),
        Column("建物名", "building"),
        Column("生年月日", "birthday"),
        Column("性別", "gender"),
        Column("タグ", "tags"),
        Column("備考", "notes"),
        Column("顧客ID", "id"),
    ]


def _chunks(queryset: QuerySet) -> Iterator[list[Person]]:
    last = 0
    base = queryset.order_by("pk")
    while True:
        chunk = list(base.filter(pk__gt=last).prefetch_related("emails", "phones", "tags")[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def person_values(person: Person) -> dict[str, str]:
    emails = [e.address for e in person.emails.all()]
    phones = [p.number for p in person.phones.all()]
    return {
        "id": str(person.pk),
        "family_name": person.family_name,
        "given_name": person.given_name,
        "family_kana": person.family_kana,
        "given_kana": person.given_kana,
        "email": "\n".join(emails),
        "phone": "\n".join(phones),
        "postal_code": format_postal_code(person.postal_code) if person.postal_code else "",
        "prefecture": person.prefecture,
        "city": person.city,
        "address_line": person.address_line,
        "building": person.building,
        "birthday": person.birthday.isoformat() if person.birthday else "",
        "gender": {"male": "男性", "female": "女性", "other": "その他"}.get(person.gender, ""),
        "tags": ", ".join(t.name for t in person.tags.all()),
        "notes": person.notes,
    }


def table_rows(queryset: QuerySet) -> Iterator[list[str]]:
    cols = columns()
    # other domains' columns (rank, LTV, RFM …: customers.list_extensions), one query per chunk
    extra = list_extensions.export_columns()
    yield [c.header for c in cols] + [c.header for c in extra]
    for chunk in _chunks(queryset):
        found = [column.values([person.pk for person in chunk]) for column in extra]
        for person in chunk:
            values = person_values(person)
            yield [neutralise(values[c.field]) for c in cols] + [
                neutralise(cells.get(person.pk, "")) for cells in found
            ]


#: The last column of a CP932 export: what each row lost (emoji, 𠮷 …), by column and code point.
CP932_NOTE_HEADER = "CP932で置き換えた文字"


def cp932_rows(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    """Rows for Excel's Shift_JIS: a character CP932 cannot hold becomes 〓, and a last column
    says, on the row itself, which column lost which character (by code point) — so the
    user sees in Excel which rows to fix or to take from a UTF-8 export instead."""
    headers = next(rows)
    yield [*headers, CP932_NOTE_HEADER]
    for row in rows:
        cells, note = cp932.row_to_cp932(row, headers)
        yield [*cells, note]


def csv_stream(queryset: QuerySet, encoding: str) -> Iterator[bytes]:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    codec = {"csv_cp932": "cp932", "csv_bom": "utf-8", "csv": "utf-8"}[encoding]
    if encoding == "csv_bom":
        yield "\ufeff".encode()
    rows = table_rows(queryset)
    if encoding == "csv_cp932":
        rows = cp932_rows(rows)
    for index, row in enumerate(rows):
        writer.writerow(row)
        if index % 500 == 0:
            yield buffer.getvalue().encode(codec, errors="replace")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode(codec, errors="replace")


def xlsx_bytes(queryset: QuerySet) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("customers")
    for row in table_rows(queryset):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")


def vcard_stream(queryset: QuerySet) -> Iterator[bytes]:
    for chunk in _chunks(queryset):
        lines: list[str] = []
        for p in chunk:
            lines += [
                "BEGIN:VCARD",
                "VERSION:4.0",
                f"FN:{_escape(p.full_name)}",
                f"N:{_escape(p.family_name)};{_escape(p.given_name)};;;",
            ]
            if p.family_kana or p.given_kana:
                lines += [
                    f"X-PHONETIC-LAST-NAME:{_escape(p.family_kana)}",
                    f"X-PHONETIC-FIRST-NAME:{_escape(p.given_kana)}",
                ]
            lines += [f"EMAIL:{_escape(e.address)}" for e in p.emails.all()]
            lines += [f"TEL;VALUE=uri:tel:{e.number}" for e in p.phones.all()]
            if p.postal_code or p.address_line or p.city:
                lines.append(
                    f"ADR:;{_escape(p.building)};{_escape(p.address_line)};{_escape(p.city)};"
                    f"{_escape(p.prefecture)};{format_postal_code(p.postal_code) if p.postal_code else ''};JP"
                )
            if p.birthday:
                lines.append(f"BDAY:{p.birthday.strftime('%Y%m%d')}")
            if p.notes:
                lines.append(f"NOTE:{_escape(p.notes)}")
            lines.append("END:VCARD")
        yield ("\r\n".join(lines) + "\r\n").encode()


def _plain_rows(model, **filters) -> list[dict]:
    return [audit._plain(row) for row in model.objects.filter(**filters).values()]


def json_stream(queryset: QuerySet) -> Iterator[bytes]:
    """Lossless: every column of each person and of the rows that belong to them."""
    yield (
        b'{"format": "daifuku.people.v1", "exported_at": '
        + json.dumps(dt.datetime.now(dt.UTC).isoformat()).encode()
        + b', "people": ['
    )
    first = True
    for chunk in _chunks(queryset):
        ids = [p.pk for p in chunk]
        related = {
            "emails": _group(_plain_rows(EmailAddress, person_id__in=ids)),
            "phones": _group(_plain_rows(PhoneNumber, person_id__in=ids)),
            "household": _group(_plain_rows(HouseholdMember, person_id__in=ids)),
            "contacts": _group(_plain_rows(Contact, person_id__in=ids)),
            "consents": _group(_plain_rows(Consent, person_id__in=ids)),
        }
        for person in chunk:
            record = audit._plain(
                {f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields}
            )
            record["tags"] = [t.name for t in person.tags.all()]
            for name, rows in related.items():
                record[name] = rows.get(person.pk, [])
            yield (b"" if first else b",\n") + json.dumps(record, ensure_ascii=False).encode()
            first = False
    yield b"]}\n"


def _group(rows: Iterable[dict]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["person_id"], []).append(row)
    return grouped


def stream(queryset: QuerySet, file_format: str) -> Iterator[bytes]:
    if file_format.startswith("csv"):
        return csv_stream(queryset, file_format)
    if file_format == "vcf":
        return vcard_stream(queryset)
    if file_format == "json":
        return json_stream(queryset)
    return iter([xlsx_bytes(queryset)])


def record_export(*, actor, file_format: str, count: int, filters: dict) -> None:
    """Exports are in the audit trail: who took which customers out, when, in what form."""
    audit.record(
        actor=actor,
        action="export",
        object_type="customers.person",
        object_repr=f"{count} people",
        changes={"format": [None, file_format], "rows": [None, count], "filters": [None, filters]},
    )
