"""Import pipeline: real files in, the ledger and the outcomes checked exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from daifuku.core.models import AuditEntry, JobRun
from daifuku.customers.models import Company, Contact, Person
from daifuku.imports import services
from daifuku.imports.models import ImportRun

FIXTURES = Path(__file__).parent / "fixtures"


def upload(actor, name: str, content: bytes | None = None) -> ImportRun:
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return services.upload(actor=actor, file=SimpleUploadedFile(name, data), name=name)


def test_cp932_file_is_detected_mapped_and_imported(rep, run_import):
    run = upload(rep, "cp932_customers.csv")
    assert run.encoding == "cp932"
    assert run.mapping == {
        "氏名": "full_name",
        "フリガナ": "full_kana",
        "郵便番号": "postal_code",
        "住所": "address",
        "電話番号": "phone",
        "メールアドレス": "email",
        "会社名": "company_name",
        "生年月日": "birthday",
        "備考": "notes",
    }
    run = run_import(rep, run)
    assert run.status == "finished"
    assert (run.created_count, run.updated_count, run.failed_count) == (3, 0, 1)
    takahashi = Person.objects.get(family_name="髙橋")
    assert (takahashi.given_name, takahashi.family_kana, takahashi.given_kana) == (
        "一郎",
        "タカハシ",
        "イチロウ",
    )
    assert takahashi.birthday.isoformat() == "1980-01-02"
    assert takahashi.prefecture == "東京都"
    assert (takahashi.city, takahashi.address_line) == ("千代田区", "千代田1-1")
    assert takahashi.notes == "①VIP\n二行目"
    assert list(takahashi.emails.values_list("address", flat=True)) == ["ichiro@example.jp"]
    assert list(takahashi.phones.values_list("number", "e164")) == [
        ("090-1234-5678", "+819012345678")
    ]
    assert takahashi.owner == rep and takahashi.team == rep.team
    company = Company.objects.get()
    assert (company.name, company.legal_form) == ("山田製作所", "kabushiki")
    assert Contact.objects.filter(person=takahashi, company=company).exists()
    sato = Person.objects.get(family_name="佐藤")
    assert (sato.given_name, sato.family_kana, sato.given_kana) == ("花子", "サトウ", "ハナコ")
    assert sato.birthday.isoformat() == "1980-03-04"
    assert sato.postal_code == "1500002"
    assert list(sato.emails.values_list("address", flat=True)) == ["hanako@example.jp"]
    failed = run.outcomes.get(action="failed")
    assert (
        failed.row_number == 5
    )  # records, as Excel numbers them (a quoted line break stays in its row)
    assert "Email" in failed.reason or "メール" in failed.reason
    assert run.job.status == JobRun.Status.SUCCEEDED
    assert AuditEntry.objects.filter(action="import", object_id=run.pk).count() == 1
    # searchable like anything created through the services
    from daifuku.customers.selectors import search_hits

    assert [h.entity_id for h in search_hits("たかはし")[0]] == [takahashi.pk]


def test_upsert_by_email_updates_and_undo_restores(
    rep, run_import, django_capture_on_commit_callbacks
):
    first = run_import(rep, upload(rep, "cp932_customers.csv"))
    assert first.created_count == 3
    second = upload(
        rep,
        "again.csv",
        "メールアドレス,氏名,電話番号\r\nichiro@example.jp,髙橋 一郎,080-1111-2222\r\nnew@example.jp,新井 三郎,\r\n".encode(),
    )
    second = run_import(rep, second, mode="upsert", match_key="email")
    assert (second.created_count, second.updated_count, second.failed_count) == (1, 1, 0)
    takahashi = Person.objects.get(family_name="髙橋")
    assert sorted(takahashi.phones.values_list("number", flat=True)) == [
        "080-1111-2222",
        "090-1234-5678",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.request_undo(actor=rep, run=second)
    second.refresh_from_db()
    assert second.status == "undone"
    assert not Person.objects.filter(family_name="新井").exists()
    assert list(takahashi.phones.values_list("number", flat=True)) == ["090-1234-5678"]


def test_dry_run_changes_nothing_and_reports_every_row(rep, run_import):
    run = run_import(rep, upload(rep, "cp932_customers.csv"), dry_run=True)
    assert Person.objects.count() == 0
    assert list(run.outcomes.values_list("row_number", "action")) == [
        (2, "created"),
        (3, "created"),
        (4, "created"),
        (5, "failed"),
    ]
    assert (run.created_count, run.failed_count) == (3, 1)


def test_failed_rows_download_for_correction(rep, run_import):
    run = run_import(rep, upload(rep, "cp932_customers.csv"))
    body = services.failed_rows_csv(run).decode("utf-8-sig")
    lines = body.splitlines()
    assert lines[0].startswith("氏名,フリガナ,郵便番号")
    assert "not-an-email" in lines[1] and ("Row 5" in lines[1] or "行 5" in lines[1])


def test_undo_releases_external_ids_so_the_file_can_be_imported_again(
    rep, run_import, django_capture_on_commit_callbacks
):
    from daifuku.imports.models import ExternalId

    content = "顧客番号,氏名\r\nM-1,山田 太郎\r\n".encode()
    first = run_import(rep, upload(rep, "pos.csv", content), match_key="external_id")
    assert first.created_count == 1 and ExternalId.objects.filter(value="M-1").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_undo(actor=rep, run=first)
    assert not ExternalId.objects.exists()
    again = run_import(rep, upload(rep, "pos.csv", content), match_key="external_id")
    assert (again.created_count, again.failed_count) == (1, 0)
    assert Person.objects.get().family_name == "山田"


def test_a_dry_run_can_be_followed_by_the_import_itself_once(rep, run_import):
    from daifuku.core.errors import DomainError

    run = run_import(rep, upload(rep, "cp932_customers.csv"), dry_run=True)
    assert Person.objects.count() == 0 and run.outcomes.count() == 4
    run = run_import(rep, run, dry_run=False)
    assert (run.dry_run, run.created_count, run.failed_count, Person.objects.count()) == (
        False,
        3,
        1,
        3,
    )
    assert list(run.outcomes.values_list("action", flat=True)) == [
        "failed"
    ]  # the dry run's rows are gone
    for change in (
        lambda: services.configure(actor=rep, run=run, data={"dry_run": True}),
        lambda: services.start(actor=rep, run=run),
    ):
        with pytest.raises(DomainError) as refused:
            change()
        assert refused.value.code == "already_run"


def test_an_external_id_already_used_fails_its_row_not_the_batch(rep, run_import):
    """A customer in the trash keeps its external id; a row that brings it again (and a
    second row repeating one of this file) fails alone, naming who holds it."""
    from daifuku.customers.services import delete_person

    first = run_import(
        rep,
        upload(rep, "pos.csv", "顧客番号,氏名\r\nM-1,山田 太郎\r\n".encode()),
        match_key="external_id",
    )
    assert first.created_count == 1
    delete_person(actor=rep, person=Person.objects.get())
    content = (
        "顧客番号,氏名,メールアドレス\r\nM-1,山田 太郎,yamada@example.jp\r\nM-2,佐藤 花子,sato@example.jp\r\n"
        "M-2,佐藤 花,sato2@example.jp\r\nM-3,鈴木 一郎,suzuki@example.jp\r\n"
    ).encode()
    run = run_import(rep, upload(rep, "again.csv", content), match_key="email")
    assert (run.created_count, run.failed_count) == (2, 2)
    reasons = {o.row_number: o.reason for o in run.outcomes.filter(action="failed")}
    assert set(reasons) == {2, 4}  # file lines: the header is line 1
    assert "M-1" in reasons[2] and "#" in reasons[2]
    assert "M-2" in reasons[4]
    assert sorted(Person.objects.values_list("given_name", flat=True)) == ["一郎", "花子"]


@pytest.fixture
def refuse_family_name():
    """A real database error on one row: a trigger that refuses a person named 拒否 (what a
    constraint added outside Daifuku, or a full disk, looks like to the importer)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER refuse_person BEFORE INSERT ON customers_person "
                "WHEN NEW.family_name = '拒否' BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION refuse_person() RETURNS trigger AS $$ BEGIN "
                "IF NEW.family_name = '拒否' THEN RAISE EXCEPTION 'refused by trigger'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_person BEFORE INSERT ON customers_person "
                "FOR EACH ROW EXECUTE FUNCTION refuse_person()"
            )
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS refuse_person")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS refuse_person ON customers_person")
            cursor.execute("DROP FUNCTION IF EXISTS refuse_person()")


def test_a_batch_the_database_refuses_lands_not_at_all_and_the_others_do(
    rep, run_import, refuse_family_name, monkeypatch
):
    from daifuku.imports import pipeline

    monkeypatch.setattr(pipeline, "BATCH", 2)
    content = (
        "氏名,メールアドレス\r\n山田 一郎,a@example.jp\r\n佐藤 二郎,b@example.jp\r\n"
        "拒否 三郎,c@example.jp\r\n鈴木 四郎,d@example.jp\r\n高橋 五郎,e@example.jp\r\n"
    ).encode()
    run = run_import(rep, upload(rep, "batches.csv", content))
    assert (run.created_count, run.failed_count) == (3, 2)
    # the refused row's batch partner is not half-written: neither is there, nor its email
    assert sorted(Person.objects.values_list("given_name", flat=True)) == ["一郎", "二郎", "五郎"]
    failed = run.outcomes.filter(action="failed").order_by("row_number")
    assert [o.row_number for o in failed] == [4, 5]
    assert all("refused by trigger" in o.reason for o in failed)


@pytest.mark.parametrize("mode", ["upsert", "create"])
def test_a_dry_run_reports_a_key_repeated_in_a_later_batch_as_the_import_would(
    rep, run_import, monkeypatch, mode
):
    """Each batch of a dry run is rolled back, so a later batch cannot find the customer an
    earlier one created; the dry run still says what the import itself does with the row."""
    from daifuku.imports import pipeline

    monkeypatch.setattr(pipeline, "BATCH", 2)
    content = (
        "氏名,メールアドレス,電話番号\r\n山田 太郎,taro@example.jp,\r\n佐藤 花子,hanako@example.jp,\r\n"
        "山田 太郎,taro@example.jp,090-1234-5678\r\n"
    ).encode()
    dry = run_import(rep, upload(rep, "people.csv", content), dry_run=True, mode=mode)
    outcomes = list(
        dry.outcomes.order_by("row_number").values_list("row_number", "action", "changes", "reason")
    )
    assert [o[:2] for o in outcomes[:2]] == [(2, "created"), (3, "created")]
    if mode == "upsert":
        assert outcomes[2][:3] == (4, "updated", {"same_as_row": 2})
    else:
        assert outcomes[2][1] == "failed" and (
            "row 2 " in outcomes[2][3] or "2行目" in outcomes[2][3]
        )
    real = run_import(rep, dry, dry_run=False)
    assert (real.created_count, real.updated_count, real.failed_count) == (
        dry.created_count,
        dry.updated_count,
        dry.failed_count,
    )
    assert Person.objects.count() == 2


@pytest.mark.postgres_only  # `make test` deselects it on SQLite; the PostgreSQL pass runs it
def test_postgresql_statistics_follow_the_ledger_as_an_import_grows_it(
    rep, run_import, monkeypatch
):
    """The upsert's lookups are planned from the tables' statistics; an import refreshes
    them whenever the ledger has doubled (after batches 1 and 2 here: 2 and 4 rows), so
    they never describe the empty ledger it started from."""
    from django.db import connection

    from daifuku.imports import pipeline

    def estimated_emails() -> float:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = 'customers_emailaddress'"
            )
            return cursor.fetchone()[0]

    monkeypatch.setattr(pipeline, "BATCH", 2)
    assert not Person.objects.exists()
    before = estimated_emails()
    content = "氏名,メールアドレス\r\n" + "".join(
        f"山田 {n}郎,p{n}@example.jp\r\n" for n in range(6)
    )
    run = run_import(rep, upload(rep, "grow.csv", content.encode()))
    assert run.created_count == 6
    assert before != 4 and estimated_emails() == 4
