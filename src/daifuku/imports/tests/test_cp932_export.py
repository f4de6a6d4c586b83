"""Exporting to Excel's Shift_JIS (CP932): what it cannot hold becomes 〓 — never a silent
"?" — and the row says which column lost which character."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from daifuku.customers import services as customer_services
from daifuku.imports import services
from daifuku.imports.cp932 import to_cp932
from daifuku.imports.export import CP932_NOTE_HEADER


@pytest.mark.parametrize(
    ("text", "written", "lost"),
    [
        ("髙橋①㈱", "髙橋①㈱", []),
        ("常連😀", "常連〓", ["U+1F600"]),
        ("😀😀", "〓〓", ["U+1F600", "U+1F600"]),
        ("いいね👍🏽", "いいね〓", ["U+1F44D+U+1F3FD"]),
        ("❤️", "〓", ["U+2764+U+FE0F"]),
        ("家族👨\u200d👩\u200d👧", "家族〓", ["U+1F468+U+200D+U+1F469+U+200D+U+1F467"]),
        ("𠮷野", "〓野", ["U+20BB7"]),
    ],
)
def test_to_cp932(text, written, lost):
    assert to_cp932(text) == (written, lost)


def _rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("cp932"))))


def test_cp932_export_replaces_with_geta_and_says_which_rows(rep, rep_api):
    clean = customer_services.create_person(
        actor=rep, data={"family_name": "髙橋", "given_name": "一郎", "notes": "①番窓口"}
    )
    lossy = customer_services.create_person(
        actor=rep, data={"family_name": "𠮷田", "given_name": "花子", "notes": "常連さん😀👍🏽"}
    )
    response = rep_api.get("/api/v1/exports/people", {"format": "csv_cp932"})
    rows = _rows(b"".join(response.streaming_content))
    header = rows[0]
    assert header[-1] == CP932_NOTE_HEADER
    by_id = {row[header.index("顧客ID")]: row for row in rows[1:]}
    good, bad = by_id[str(clean.pk)], by_id[str(lossy.pk)]
    assert (good[0], good[header.index("備考")], good[-1]) == ("髙橋", "①番窓口", "")
    assert (bad[0], bad[header.index("備考")]) == ("〓田", "常連さん〓〓")
    assert bad[-1] == "姓: U+20BB7 → 〓; 備考: U+1F600, U+1F44D+U+1F3FD → 〓"
    assert "?" not in "".join(bad)
    # the UI's download is the same file; UTF-8 keeps everything and has no such column
    client = Client()
    client.force_login(rep)
    ui = b"".join(client.get(reverse("imports:export"), {"format": "csv_cp932"}).streaming_content)
    assert _rows(ui) == rows
    utf8 = b"".join(
        rep_api.get("/api/v1/exports/people", {"format": "csv_bom"}).streaming_content
    ).decode("utf-8-sig")
    assert "𠮷田" in utf8 and CP932_NOTE_HEADER not in utf8


def test_cp932_export_imports_back_without_the_note_column(rep, run_import):
    customer_services.create_person(
        actor=rep, data={"family_name": "𠮷田", "emails": ["y@example.jp"]}
    )
    client = Client()
    client.force_login(rep)
    body = b"".join(
        client.get(reverse("imports:export"), {"format": "csv_cp932"}).streaming_content
    )
    run = services.upload(actor=rep, file=SimpleUploadedFile("back.csv", body), name="back.csv")
    assert CP932_NOTE_HEADER not in run.mapping


def test_failed_rows_in_cp932_say_what_was_replaced(rep, run_import):
    text = "氏名,メールアドレス,備考\r\n𠮷田 花子,not-an-email,😀\r\n"
    run = run_import(
        rep,
        services.upload(actor=rep, file=SimpleUploadedFile("f.csv", text.encode()), name="f.csv"),
    )
    rows = _rows(services.failed_rows_csv(run, "cp932"))
    assert rows[1][:3] == ["〓田 花子", "not-an-email", "〓"]
    assert rows[1][3].endswith("(Excel 用に置換: 氏名: U+20BB7 → 〓; 備考: U+1F600 → 〓)")
