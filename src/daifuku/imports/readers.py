"""Reading customer files: CSV (UTF-8, UTF-8 with BOM, CP932), Excel .xlsx and vCard.

Every reader yields ``(row_number, cells)`` after ``headers``; row numbers are what a
person sees in Excel (the header is row 1). Undecodable bytes never stop a read: they are
kept as surrogate escapes and the row is reported as failed (:func:`undecodable`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from daifuku.core.japanese_people import split_full_kana

ENCODINGS = ("utf-8", "utf-8-sig", "cp932")
SNIFF_BYTES = 1 << 20
_SURROGATE = re.compile("[\udc80-\udcff]")
csv.field_size_limit(1 << 20)


@dataclass
class Table:
    """A file opened for import: its headers and a fresh iterator over its rows."""

    file_format: str
    encoding: str
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]


def detect_format(name: str, head: bytes) -> str:
    lower = name.lower()
    if lower.endswith(".xlsx") or head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if lower.endswith((".vcf", ".vcard")) or b"BEGIN:VCARD" in head[:2048].upper():
        return "vcf"
    return "csv"


def detect_encoding(head: bytes) -> str:
    """UTF-8 with BOM, else UTF-8 if the bytes decode as UTF-8, else CP932 (Shift_JIS with
    the Windows extensions ①, ㈱, 髙 that Excel writes)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp932"


def undecodable(cells: list[str]) -> bool:
    """True when a cell holds bytes that were not valid in the chosen encoding."""
    return _SURROGATE.search("".join(cells)) is not None  # one search a row: a million rows


def sniff(path: str | Path, name: str = "") -> tuple[str, str]:
    """``(format, encoding)`` of a file from its first megabyte."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    file_format = detect_format(name or str(path), head)
    return file_format, ("" if file_format == "xlsx" else detect_encoding(head))


def open_table(path: str | Path, file_format: str, encoding: str = "") -> Table:
    if file_format == "xlsx":
        return _xlsx(path)
    encoding = encoding or sniff(path)[1]
    if file_format == "vcf":
        return _vcard(path, encoding)
    return _csv(path, encoding)


def count_rows(path: str | Path, file_format: str) -> int:
    """A cheap estimate of the data rows, for the progress bar (line breaks or cards)."""
    if file_format == "xlsx":
        return 0
    marker = b"BEGIN:VCARD" if file_format == "vcf" else b"\n"
    total = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            total += chunk.upper().count(marker) if file_format == "vcf" else chunk.count(marker)
    return total if file_format == "vcf" else max(0, total - 1)


# --- CSV ---------------------------------------------------------------------------------


def _csv(path, encoding: str) -> Table:
    handle = open(path, encoding=encoding, errors="surrogateescape", newline="")  # noqa: SIM115
    # csv.Sniffer guesses quote characters from data and gets quoted line breaks wrong;
    # the header line alone tells the delimiter (Excel writes commas, some tools tabs).
    header_line = handle.readline()
    handle.seek(0)
    counts = {d: header_line.count(d) for d in (",", "\t", ";")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ",")) if any(counts.values()) else ","
    reader = csv.reader(handle, csv.excel, delimiter=delimiter)
    try:
        headers = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except (StopIteration, csv.Error):
        headers = []

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        try:
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    number += 1
                    yield number, ["\udcff" + str(exc)]
                    continue
                number += 1
                if cells and any(c.strip() for c in cells):
                    yield number, cells
        finally:
            handle.close()

    return Table("csv", encoding, headers, rows())


# --- Excel -------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx(path) -> Table:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        headers = [_cell(h).strip() for h in next(values)]
    except StopIteration:
        headers = []

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, row in enumerate(values, start=2):
                cells = [_cell(v) for v in row]
                if any(c.strip() for c in cells):
                    yield number, cells
        finally:
            workbook.close()

    return Table("xlsx", "", headers, rows())


# --- vCard -------------------------------------------------------------------------------

VCARD_HEADERS = [
    "family_name",
    "given_name",
    "full_name",
    "family_kana",
    "given_kana",
    "emails",
    "phones",
    "postal_code",
    "prefecture",
    "city",
    "address_line",
    "building",
    "company_name",
    "department",
    "title",
    "birthday",
    "notes",
]


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines():
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif lines and lines[-1].endswith("=") and "QUOTED-PRINTABLE" in lines[-1].upper():
            lines[-1] = lines[-1][:-1] + "=\n" + raw  # soft line break of vCard 2.1
        else:
            lines.append(raw)
    return lines


def _split(value: str, sep: str) -> list[str]:
    parts, current, escaped = [], [], False
    for char in value:
        if escaped:
            current.append({"n": "\n", "N": "\n"}.get(char, char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _property(line: str, encoding: str) -> tuple[str, dict[str, str], str] | None:
    if ":" not in line:
        return None
    head, value = line.split(":", 1)
    name, *raw_params = head.split(";")
    name = name.split(".")[-1].upper()  # "item1.EMAIL" (Apple) → EMAIL
    params: dict[str, str] = {}
    for item in raw_params:
        key, _eq, val = item.partition("=")
        params[key.upper()] = val.strip('"') if _eq else key.upper()
    if params.get("ENCODING", "").upper() == "QUOTED-PRINTABLE" or "QUOTED-PRINTABLE" in params:
        raw = quopri.decodestring(
            value.replace("=\n", "=\r\n").encode("latin-1", "surrogateescape")
        )
        charset = params.get("CHARSET", "utf-8")
        try:
            value = raw.decode(charset, errors="surrogateescape")
        except LookupError:
            value = raw.decode(encoding, errors="surrogateescape")
    return name, params, value


def parse_card(lines: list[str], encoding: str) -> list[str]:
    """One card → cells in the order of :data:`VCARD_HEADERS`."""
    out: dict[str, list[str]] = {key: [] for key in VCARD_HEADERS}
    out["sort_string"] = []

    def put(key: str, value: str) -> None:
        value = _split(value, "\0")[0]  # unescape \n \, \; \\
        if value.strip():
            out[key].append(value.strip())

    for line in lines:
        parsed = _property(line, encoding)
        if not parsed:
            continue
        name, params, value = parsed
        if name == "N":
            parts = _split(value, ";") + ["", ""]
            put("family_name", parts[0])
            put("given_name", parts[1])
            sort_as = params.get("SORT-AS", "")
            if sort_as:  # vCard 4.0: N;SORT-AS="タナカ,タロウ"
                kana = _split(sort_as, ",") + [""]
                put("family_kana", kana[0])
                put("given_kana", kana[1])
        elif name == "FN":
            put("full_name", _split(value, ";")[0])
        elif name in ("X-PHONETIC-LAST-NAME", "X-FURIGANA-LAST-NAME"):
            put("family_kana", value)
        elif name in ("X-PHONETIC-FIRST-NAME", "X-FURIGANA-FIRST-NAME"):
            put("given_kana", value)
        elif name == "SORT-STRING" or (name == "SOUND" and "X-IRMC-N" in params):
            # vCard 2.1 readings of the whole name: "ヤマダ タロウ", "ﾔﾏﾀﾞ　ﾀﾛｳ" or "ヤマダ;タロウ;;;"
            # (SOUND;X-IRMC-N, as Japanese feature phones write it)
            put("sort_string", value)
        elif name == "EMAIL":
            put("emails", value)
        elif name == "TEL":
            put("phones", value.removeprefix("tel:"))
        elif name == "ADR" and not out["postal_code"] and not out["address_line"]:
            parts = _split(value, ";") + [""] * 7
            put("building", parts[1])
            put("address_line", parts[2])
            put("city", parts[3])
            put("prefecture", parts[4])
            put("postal_code", parts[5])
        elif name == "ORG":
            parts = _split(value, ";") + [""]
            put("company_name", parts[0])
            put("department", parts[1])
        elif name == "TITLE":
            put("title", value)
        elif name == "BDAY":
            put("birthday", value)
        elif name == "NOTE":
            put("notes", value)
    _split_readings(out)
    return [
        "\n".join(values) if key in ("emails", "phones") else (values[0] if values else "")
        for key, values in out.items()
        if key in _CELLS
    ]


_CELLS = frozenset(VCARD_HEADERS)


def split_reading(value: str) -> tuple[str, str]:
    """A whole-name reading → (family, given): at a semicolon (SOUND;X-IRMC-N, "ヤマダ;タロウ;;;"),
    else at the first space, half- or full-width ("ヤマダ　タロウ"), else by a known surname
    reading (core.japanese.split_full_kana); the kana as written (cleaning makes it katakana)."""
    if ";" in value:
        parts = [p.strip() for p in _split(value, ";")]
        return parts[0], next((p for p in parts[1:] if p), "")
    return split_full_kana(value.replace("\u3000", " "))


def _split_readings(out: dict[str, list[str]]) -> None:
    """The family and given readings of a card, from whichever form it has them in: the
    X-PHONETIC-* pair (one of them holding the whole reading when the other is empty) or
    N;SORT-AS, else SORT-STRING / SOUND;X-IRMC-N."""
    family, given = (out["family_kana"] or [""])[0], (out["given_kana"] or [""])[0]
    whole = out.pop("sort_string", [])
    if family and given:
        return
    if not family and not given and whole:
        family, given = split_reading(whole[0])
    elif family and not given and any(c in family for c in " \u3000;"):
        family, given = split_reading(family)
    elif given and not family and any(c in given for c in " \u3000;"):
        family, given = split_reading(given)
    out["family_kana"] = [family] if family else []
    out["given_kana"] = [given] if given else []


def _vcard(path, encoding: str) -> Table:
    def rows() -> Iterator[tuple[int, list[str]]]:
        with open(path, encoding=encoding, errors="surrogateescape", newline="") as handle:
            text = handle.read()
        card: list[str] | None = None
        number = 1
        for line in _unfold(text):
            upper = line.strip().upper()
            if upper == "BEGIN:VCARD":
                card = []
            elif upper == "END:VCARD" and card is not None:
                number += 1
                yield number, parse_card(card, encoding)
                card = None
            elif card is not None:
                card.append(line)

    return Table("vcf", encoding, list(VCARD_HEADERS), rows())


def read_preview(
    path, file_format: str, encoding: str = "", limit: int = 5
) -> tuple[list[str], list[list[str]]]:
    table = open_table(path, file_format, encoding)
    preview = []
    for _number, cells in table.rows:
        preview.append([c.replace("\udcff", "") for c in cells])
        if len(preview) >= limit:
            break
    if hasattr(table.rows, "close"):
        table.rows.close()
    return table.headers, preview


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")
