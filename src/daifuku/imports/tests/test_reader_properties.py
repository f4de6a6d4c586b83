"""Property tests of the CSV reader: random encodings, BOM, quoted newlines, ragged rows and
garbage bytes never crash it, and every record is either cleaned or reported."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daifuku.imports import mapping, readers
from daifuku.imports.pipeline import Preparer

HEADERS = ["氏名", "フリガナ", "メールアドレス", "電話番号", "郵便番号", "備考"]
CELL = st.text(
    alphabet=st.sampled_from(list('田中髙橋㈱①ｱｲｳあいう abc,"\n\r;@=-0123456789')), max_size=12
)
ROWS = st.lists(st.lists(CELL, min_size=0, max_size=9), min_size=0, max_size=20)


def _write(rows, encoding: str) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADERS, *rows])
    path = Path(tempfile.mkstemp(suffix=".csv")[1])
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    return path


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]))
def test_every_record_is_read_and_cleaned_or_reported(rows, encoding):
    path = _write(rows, encoding)
    try:
        file_format, detected = readers.sniff(path, path.name)
        table = readers.open_table(path, file_format, detected)
        assert table.headers == HEADERS
        plan = mapping.compile_mapping(table.headers, mapping.suggest(table.headers))
        preparer = Preparer(plan, consent_statement="", definitions=[])
        read = list(table.rows)
        expected = [r for r in rows if any(c.strip() for c in r)]
        assert len(read) == len(expected)
        for number, cells in read:
            row = preparer(number, cells)
            assert row.error or row.values or row.emails or row.phones or row.data
    finally:
        path.unlink()


@settings(max_examples=100, deadline=None)
@given(blob=st.binary(max_size=400))
def test_garbage_bytes_never_crash(blob):
    path = Path(tempfile.mkstemp(suffix=".csv")[1])
    path.write_bytes(b"name,email\r\n" + blob)
    try:
        file_format, encoding = readers.sniff(path, path.name)
        table = readers.open_table(path, file_format, encoding)
        preparer = Preparer(
            mapping.compile_mapping(table.headers, mapping.suggest(table.headers)),
            consent_statement="",
            definitions=[],
        )
        for number, cells in table.rows:
            preparer(number, cells)  # cleaned or reported, never an exception
    finally:
        path.unlink()
