"""Cleaning in worker processes gives exactly the import a single process gives."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from daifuku.customers.models import EmailAddress, Person, PhoneNumber
from daifuku.customers.selectors import search_hits
from daifuku.imports import pipeline, prepare, services


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def _file(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "氏名",
            "フリガナ",
            "メールアドレス",
            "電話番号",
            "郵便番号",
            "生年月日",
            "性別",
            "番地",
            "建物名",
            "備考",
        ]
    )
    for i in range(rows):
        email = f"user{i % 250}@example.jp"  # rows 250+ update the people of rows 0–49
        if i % 10 == 9:
            email = f"user{i - 1}@example.jp; extra{i}@example.jp"  # the row before, again: folded into it
        phone = f"090-{1000 + i:04d}-{i:04d}" if i % 7 else "03-1234-567"  # every 7th is invalid
        writer.writerow(
            [
                f"田中 太郎{i}",
                "たなか " + ("たろう", "じろう", "さぶろう")[i % 3],
                email,
                phone,
                "100-0001",
                f"19{80 + i % 3}/01/0{1 + i % 5}" if i % 4 else "",
                ("男", "女", "")[i % 3],
                f"千代田{i}-1" if i % 2 else "",
                "コーポ田中" if i % 5 == 0 else "",
                f"備考{i}" if i % 6 == 0 else "",
            ]
        )
    writer.writerow(["", "", "not an email", "", "", "", "", "", "", ""])
    return buffer.getvalue().encode("cp932")


def _import(actor, content: bytes, django_capture_on_commit_callbacks):
    run = services.upload(
        actor=actor, file=SimpleUploadedFile("people.csv", content), name="people.csv"
    )
    services.configure(actor=actor, run=run, data={"mode": "upsert", "match_key": "email"})
    with django_capture_on_commit_callbacks(execute=True):
        services.start(actor=actor, run=run)
    run.refresh_from_db()
    columns = [
        f.attname
        for f in Person._meta.concrete_fields
        if f.attname not in ("id", "created_at", "updated_at")
    ]
    people = [
        (
            *values[:-1],
            sorted(
                EmailAddress.objects.filter(person_id=values[-1]).values_list(
                    "address", "label", "is_primary"
                )
            ),
            sorted(
                PhoneNumber.objects.filter(person_id=values[-1]).values_list(
                    "number", "e164", "digits", "kind", "is_primary"
                )
            ),
        )
        for values in Person.objects.order_by("pk").values_list(*columns, "id")
    ]
    outcomes = list(
        run.outcomes.order_by("row_number").values_list(
            "row_number", "action", "reason", "raw", "changes"
        )
    )
    return run, people, outcomes


def _wipe():
    EmailAddress.objects.all().delete()
    PhoneNumber.objects.all().delete()
    Person.all_objects.all().delete()


def test_parallel_cleaning_equals_single_process(
    rep, monkeypatch, django_capture_on_commit_callbacks
):
    content = _file(300)
    monkeypatch.setattr(prepare, "CHUNK", 40)
    monkeypatch.setattr(pipeline, "BATCH", 100)
    monkeypatch.setenv("DAIFUKU_IMPORT_WORKERS", "0")
    single = _import(rep, content, django_capture_on_commit_callbacks)
    _wipe()
    monkeypatch.setenv("DAIFUKU_IMPORT_WORKERS", "2")
    parallel = _import(rep, content, django_capture_on_commit_callbacks)
    run_single, run_parallel = single[0], parallel[0]
    counts = (run_parallel.created_count, run_parallel.updated_count, run_parallel.failed_count)
    assert counts == (run_single.created_count, run_single.updated_count, run_single.failed_count)
    # 43 invalid phones and the row without a name fail; rows 250+ update, and so does every
    # tenth row (its row before, again, in the same batch)
    assert counts == (206, 51, 44)
    assert parallel[1] == single[1]
    assert parallel[2] == single[2]
    failed = [o for o in parallel[2] if o[1] == "failed"]
    assert failed[-1][3] == [
        "",
        "",
        "not an email",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]  # the cells come back for the failed-rows file
    assert failed[0][3][3] == "03-1234-567"
    # the people created by the parallel run are searchable
    assert len(search_hits("たなかじろう")[0]) > 0
