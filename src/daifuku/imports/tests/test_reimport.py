"""A file imported again: its matched customers are read once per batch, and what the rows
change lands exactly as when each customer was read alone."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daifuku.customers.models import Person
from daifuku.imports import services

HEADER = "メールアドレス,氏名,フリガナ,電話番号,タグ\r\n"


def _file(rows: int, *, changed: int | None = None) -> bytes:
    lines = [HEADER]
    for i in range(rows):
        phone = f"090-{2000 + i:04d}-{i:04d}"
        if i == changed:
            phone += "; 03-3210-0001"  # a second number for this customer
        lines.append(f"user{i}@example.jp,田中 太郎{i},タナカ タロウ,{phone},VIP;年賀状\r\n")
    return "".join(lines).encode("cp932")


def _import(actor, run_import, content: bytes, name: str = "people.csv"):
    run = services.upload(actor=actor, file=SimpleUploadedFile(name, content), name=name)
    return run_import(actor, run, mode="upsert", match_key="email")


def _queries_of_reimport(actor, run_import, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        run = _import(actor, run_import, _file(rows))
    assert (run.created_count, run.updated_count, run.unchanged_count, run.failed_count) == (
        0,
        0,
        rows,
        0,
    )
    return len(queries)


def test_reading_the_matched_customers_costs_the_same_for_30_rows_as_for_60(rep, run_import):
    _import(rep, run_import, _file(60))
    assert Person.objects.count() == 60
    # read alone, each unchanged row cost four queries (the customer, e-mails, phones, tags)
    assert _queries_of_reimport(rep, run_import, 60) == _queries_of_reimport(rep, run_import, 30)


def test_a_changed_row_among_unchanged_ones_is_updated_with_what_it_adds(rep, run_import):
    _import(rep, run_import, _file(20))
    run = _import(rep, run_import, _file(20, changed=7))
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 1, 19)
    person = Person.objects.get(emails__address="user7@example.jp")
    assert list(person.phones.values_list("number", flat=True)) == ["090-2007-0007", "03-3210-0001"]
    outcome = run.outcomes.get(action="updated")
    assert outcome.person_id == person.pk
    assert outcome.changes == {"phones": [["090-2007-0007"], ["090-2007-0007", "03-3210-0001"]]}
    assert sorted(person.tags.values_list("name", flat=True)) == ["VIP", "年賀状"]


def test_two_rows_about_one_customer_in_a_batch_both_land(rep, run_import):
    _import(
        rep,
        run_import,
        (HEADER + "a@example.jp,佐藤 花子,サトウ ハナコ,090-1111-0001,VIP\r\n").encode("cp932"),
    )
    again = (
        HEADER + "a@example.jp,,,090-1111-0002,年賀状\r\na@example.jp,,,090-1111-0003,紹介者\r\n"
    ).encode("cp932")
    run = _import(rep, run_import, again, "again.csv")
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 2, 0)
    person = Person.objects.get()
    assert list(person.phones.values_list("number", flat=True)) == [
        "090-1111-0001",
        "090-1111-0002",
        "090-1111-0003",
    ]
    assert sorted(person.tags.values_list("name", flat=True)) == ["VIP", "年賀状", "紹介者"]
    second = run.outcomes.get(row_number=3)
    # the second row saw the first one's update: it adds only its own number and tag
    assert second.changes["phones"] == [
        ["090-1111-0001", "090-1111-0002"],
        ["090-1111-0001", "090-1111-0002", "090-1111-0003"],
    ]
    assert second.changes["tags"] == [["VIP", "年賀状"], ["VIP", "年賀状", "紹介者"]]
