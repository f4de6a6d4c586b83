"""Undoing a people import takes back the companies its 会社名 column created — except
those that have become more than the import made."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from daifuku.customers import services as customer_services
from daifuku.customers.models import Company, Contact, Person
from daifuku.imports import services
from daifuku.imports.models import ImportBatch

FILE = (
    "氏名,メールアドレス,会社名\r\n"
    "山田 太郎,yamada@example.jp,株式会社あおば商事\r\n"
    "佐藤 花子,sato@example.jp,みどり工業株式会社\r\n"
    "鈴木 一郎,suzuki@example.jp,(株)さくら物産\r\n"
    "田中 次郎,tanaka@example.jp,ひまわり電機㈱\r\n"
    "高橋 三郎,takahashi@example.jp,既存産業株式会社\r\n"
)


def test_undo_removes_the_companies_the_import_created_unless_used_since(
    rep, run_import, django_capture_on_commit_callbacks
):
    existing = customer_services.create_company(actor=rep, data={"name": "既存産業株式会社"})
    run = run_import(
        rep,
        services.upload(actor=rep, file=SimpleUploadedFile("p.csv", FILE.encode()), name="p.csv"),
    )
    assert run.created_count == 5
    created = {c.name: c for c in Company.objects.exclude(pk=existing.pk)}
    assert set(created) == {"あおば商事", "みどり工業", "さくら物産", "ひまわり電機"}
    assert sorted(
        sum(ImportBatch.objects.values_list("created_company_ids", flat=True), [])
    ) == sorted(c.pk for c in created.values())
    # since the import: someone links another customer to みどり工業, edits さくら物産
    other = customer_services.create_person(actor=rep, data={"family_name": "伊藤"})
    customer_services.add_contact(actor=rep, person=other, company=created["みどり工業"])
    customer_services.update_company(
        actor=rep, company=created["さくら物産"], data={"notes": "取引開始"}
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.request_undo(actor=rep, run=run)
    run.refresh_from_db()
    assert run.status == "undone"
    alive = set(Company.objects.values_list("name", flat=True))
    assert alive == {"既存産業", "みどり工業", "さくら物産"}
    assert set(
        Company.all_objects.filter(deleted_at__isnull=False).values_list("name", flat=True)
    ) == {"あおば商事", "ひまわり電機"}
    assert list(Person.objects.values_list("family_name", flat=True)) == ["伊藤"]
    assert Contact.objects.filter(person=other).count() == 1
    from daifuku.core.models import JobRun

    job = JobRun.objects.filter(kind="import_undo").get()
    assert (job.result["companies_removed"], job.result["companies_kept"]) == (2, 2)


def test_a_dry_run_leaves_no_company_and_no_batch(rep, run_import):
    run = run_import(
        rep,
        services.upload(actor=rep, file=SimpleUploadedFile("p.csv", FILE.encode()), name="p.csv"),
        dry_run=True,
    )
    assert run.created_count == 5
    assert Company.objects.count() == 0 and not ImportBatch.objects.exists()
