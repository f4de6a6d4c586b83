"""Company (取引先) imports: a real CP932 file with ㈱ / (株) / 株式会社 before and after the
name and valid and invalid 法人番号, through the services; upsert, dry run, undo, failed rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from daifuku.core.models import AuditEntry
from daifuku.customers import services as customer_services
from daifuku.customers.models import Company
from daifuku.imports import services
from daifuku.imports.companies import industry_code, size_band
from daifuku.imports.models import ExternalId, ImportRun

FIXTURES = Path(__file__).parent / "fixtures"
YAMADA, SATO, SUZUKI, NEW = "2010001008808", "3180001031569", "9700150005678", "9120001077777"


def upload(actor, name: str, content: bytes | None = None, target: str = "company") -> ImportRun:
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return services.upload(
        actor=actor, file=SimpleUploadedFile(name, data), name=name, target=target
    )


def companies() -> dict[str, Company]:
    return {c.name: c for c in Company.objects.all()}


def test_company_file_is_mapped_cleaned_and_written_through_the_services(rep, run_import):
    run = upload(rep, "cp932_companies.csv")
    assert (run.target, run.match_key, run.encoding) == ("company", "corporate_number", "cp932")
    assert run.mapping == {
        "取引先名": "name",
        "フリガナ": "kana",
        "法人番号": "corporate_number",
        "電話番号": "phone",
        "郵便番号": "postal_code",
        "住所": "address",
        "業種": "industry",
        "従業員数": "size",
        "ホームページ": "website",
        "取引先コード": "external_id",
        "備考": "notes",
    }
    run = run_import(rep, run)
    assert run.status == "finished"
    assert (run.created_count, run.updated_count, run.failed_count) == (4, 0, 2)
    found = companies()
    assert sorted(found) == ["ミライ", "佐藤商事", "山田製作所", "鈴木建設"]
    yamada = found["山田製作所"]
    assert (yamada.legal_form, yamada.legal_form_position, yamada.display_name) == (
        "kabushiki",
        "before",
        "株式会社山田製作所",
    )
    assert (yamada.kana, yamada.corporate_number, yamada.industry, yamada.size) == (
        "ヤマダセイサクショ",
        YAMADA,
        "E",
        "50-299",
    )
    assert (yamada.postal_code, yamada.prefecture, yamada.city, yamada.address_line) == (
        "1000001",
        "東京都",
        "千代田区",
        "千代田1-1",
    )
    assert yamada.website == "https://yamada.example.jp"
    assert list(yamada.phones.values_list("number", "e164")) == [("03-1234-5678", "+81312345678")]
    assert (yamada.owner, yamada.team) == (rep, rep.team)
    sato = found["佐藤商事"]
    assert (sato.legal_form_position, sato.display_name, sato.kana) == (
        "after",
        "佐藤商事株式会社",
        "サトウショウジ",
    )
    assert (sato.industry, sato.size, sato.notes) == ("I", "50-299", "本社は梅田\n支店あり")
    suzuki = found["鈴木建設"]
    assert (suzuki.legal_form_position, suzuki.kana, suzuki.size, suzuki.industry) == (
        "before",
        "スズキケンセツ",
        "1-9",
        "D",
    )
    mirai = found["ミライ"]
    assert (mirai.legal_form, mirai.legal_form_position, mirai.industry, mirai.size) == (
        "godo",
        "after",
        "G",
        "1000+",
    )
    assert dict(ExternalId.objects.values_list("value", "company__name")) == {
        "C-001": "山田製作所",
        "C-002": "佐藤商事",
        "C-003": "鈴木建設",
        "C-006": "ミライ",
    }
    failed = {o.row_number: o.reason for o in run.outcomes.filter(action="failed")}
    assert sorted(failed) == [5, 6]
    assert "check digit" in failed[5] or "チェックデジット" in failed[5]
    assert "宇宙開発" in failed[6]
    # one audit entry per company (the service's), one per batch (the import's)
    assert AuditEntry.objects.filter(action="create", object_type="customers.company").count() == 4
    [batch_entry] = AuditEntry.objects.filter(action="import", object_id=run.pk)
    assert sorted(batch_entry.changes["created_company_ids"][1]) == sorted(
        c.pk for c in found.values()
    )
    from daifuku.customers.selectors import search_hits

    assert [h.entity_id for h in search_hits("やまだせいさくしょ")[0]] == [yamada.pk]


def test_dry_run_changes_nothing_and_reports_every_row(rep, run_import):
    run = run_import(rep, upload(rep, "cp932_companies.csv"), dry_run=True)
    assert Company.objects.count() == 0 and ExternalId.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type="customers.company").exists()
    assert list(run.outcomes.values_list("row_number", "action")) == [
        (2, "created"),
        (3, "created"),
        (4, "created"),
        (5, "failed"),
        (6, "failed"),
        (7, "created"),
    ]
    created = run.outcomes.get(row_number=3)
    assert created.changes["name"] == "佐藤商事株式会社" and created.company_id is None
    assert created.changes["values"]["corporate_number"] == SATO
    assert (run.created_count, run.failed_count, run.duplicate_count) == (4, 2, 0)


UPSERT = (
    "法人番号,会社名,電話番号,備考\r\n"
    f"{YAMADA},山田製作所(株),03-9999-0000,後株に変更\r\n"
    f"{NEW},株式会社 新規,,\r\n"
    f"{SUZUKI},(株)鈴木建設,,\r\n"
).encode()


def test_upsert_by_corporate_number_updates_creates_and_undo_restores(
    rep, run_import, django_capture_on_commit_callbacks
):
    run_import(rep, upload(rep, "cp932_companies.csv"))
    second = run_import(
        rep, upload(rep, "again.csv", UPSERT), mode="upsert", match_key="corporate_number"
    )
    assert (
        second.created_count,
        second.updated_count,
        second.unchanged_count,
        second.failed_count,
    ) == (1, 1, 1, 0)
    yamada = Company.objects.get(corporate_number=YAMADA)
    assert (yamada.display_name, yamada.notes) == ("山田製作所株式会社", "後株に変更")
    assert list(yamada.phones.values_list("number", flat=True)) == ["03-1234-5678", "03-9999-0000"]
    updated = second.outcomes.get(action="updated")
    assert updated.company_id == yamada.pk
    assert updated.changes["legal_form_position"] == ["before", "after"]
    assert Company.objects.get(corporate_number=NEW).display_name == "株式会社新規"
    with django_capture_on_commit_callbacks(execute=True):
        services.request_undo(actor=rep, run=second)
    second.refresh_from_db()
    assert second.status == "undone"
    assert not Company.objects.filter(corporate_number=NEW).exists()
    assert Company.all_objects.get(corporate_number=NEW).deleted_at is not None
    yamada.refresh_from_db()
    assert (yamada.display_name, yamada.notes) == ("株式会社山田製作所", "")
    assert list(yamada.phones.values_list("number", flat=True)) == ["03-1234-5678"]
    assert second.job is not None
    undo_entry = AuditEntry.objects.filter(action="undo", object_id=second.pk).get()
    assert undo_entry.changes["removed"] == [None, 1] and undo_entry.changes["reverted"] == [
        None,
        1,
    ]


def test_modes_and_keys_refuse_what_they_must(rep, run_import):
    run_import(rep, upload(rep, "cp932_companies.csv"))
    create_only = run_import(rep, upload(rep, "again.csv", UPSERT), mode="create")
    assert (create_only.created_count, create_only.failed_count) == (1, 2)
    refused = create_only.outcomes.filter(action="failed").order_by("row_number").first()
    # the row names the company it clashes with through company_id (the result page shows its name), no #id
    assert (
        refused.company_id == Company.objects.get(corporate_number=YAMADA).pk
        and "#" not in refused.reason
    )
    by_id = (
        "取引先コード,会社名,法人番号\r\nC-001,株式会社山田製作所,\r\nC-999,株式会社無名,\r\n"
        f"C-777,株式会社別会社,{SATO}\r\n"
    ).encode()
    update_only = run_import(
        rep, upload(rep, "by-id.csv", by_id), mode="update", match_key="external_id"
    )
    assert (update_only.updated_count, update_only.unchanged_count, update_only.failed_count) == (
        0,
        1,
        2,
    )
    reasons = dict(update_only.outcomes.filter(action="failed").values_list("row_number", "reason"))
    assert set(reasons) == {3, 4}
    upsert = run_import(
        rep, upload(rep, "by-id-2.csv", by_id), mode="upsert", match_key="external_id"
    )
    assert (upsert.created_count, upsert.unchanged_count, upsert.failed_count) == (1, 1, 1)
    # the corporate number belongs to 佐藤商事 already: the service refuses it, the row says whose it is
    assert "佐藤商事" in upsert.outcomes.get(action="failed").reason
    assert ExternalId.objects.get(value="C-999").company.name == "無名"


def test_external_id_of_a_person_is_not_taken_over(rep, run_import):
    from daifuku.imports import services as import_services

    person_file = "顧客番号,氏名\r\nX-1,山田 太郎\r\n".encode()
    run_import(
        rep,
        import_services.upload(
            actor=rep, file=SimpleUploadedFile("p.csv", person_file), name="p.csv"
        ),
        match_key="external_id",
    )
    run = run_import(
        rep,
        upload(rep, "c.csv", "外部ID,会社名\r\nX-1,㈱山田\r\n".encode()),
        match_key="external_id",
    )
    assert (run.created_count, run.failed_count) == (0, 1)
    assert "X-1" not in run.outcomes.get().reason and "#" in run.outcomes.get().reason
    assert not Company.objects.exists()


def test_failed_rows_download_for_correction(rep, run_import):
    run = run_import(rep, upload(rep, "cp932_companies.csv"))
    lines = services.failed_rows_csv(run).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("取引先名,フリガナ,法人番号")
    assert lines[1].startswith("有限会社 田中屋,タナカヤ,1234567890123") and (
        "Row 5" in lines[1] or "行 5" in lines[1]
    )
    assert "宇宙開発" in lines[2]


def test_configure_checks_target_fields_and_keys(rep):
    run = upload(rep, "cp932_companies.csv")
    with pytest.raises(Exception) as refused:
        services.configure(actor=rep, run=run, data={"match_key": "email"})
    assert "match_key" in refused.value.errors
    with pytest.raises(Exception) as refused:
        services.configure(actor=rep, run=run, data={"mapping": {"取引先名": "family_name"}})
    assert "mapping" in refused.value.errors
    with pytest.raises(Exception) as refused:
        services.configure(actor=rep, run=run, data={"auto_merge": True})
    assert "auto_merge" in refused.value.errors
    # saying the file holds people suggests the people's mapping and a key that is mapped
    run = services.switch_target(actor=rep, run=run, target="person")
    assert (run.target, run.match_key, run.mapping["取引先名"], run.mapping["電話番号"]) == (
        "person",
        "phone",
        "company_name",
        "phone",
    )
    with pytest.raises(Exception) as refused:
        services.switch_target(actor=rep, run=run, target="deal")
    assert "target" in refused.value.errors
    run = services.configure(actor=rep, run=run, data={"target": "company", "mode": "create"})
    assert (run.target, run.match_key, run.mapping["取引先名"]) == (
        "company",
        "corporate_number",
        "name",
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("製造業", "E"),
        ("ｅ", "E"),
        ("Manufacturing", "E"),
        ("小売業", "I"),
        ("情報通信", "G"),
        ("医療，福祉", "P"),
        ("宇宙開発", None),
    ],
)
def test_industry_names_and_letters(db, text, code):
    assert industry_code(text) == code


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("120名", "50-299"),
        ("約1,200人", "1000+"),
        ("10〜49人", "10-49"),
        ("5", "1-9"),
        ("300-999", "300-999"),
        ("0", None),
        ("不明", None),
    ],
)
def test_size_bands(text, band):
    assert size_band(text) == band


def test_company_rows_can_be_changed_only_by_their_owners(rep, other_rep, run_import):
    customer_services.create_company(
        actor=other_rep, data={"name": "株式会社大阪", "corporate_number": NEW}
    )
    run = run_import(
        rep, upload(rep, "c.csv", f"法人番号,会社名,備考\r\n{NEW},株式会社大阪,メモ\r\n".encode())
    )
    assert run.failed_count == 1 and run.outcomes.get().company_id == Company.objects.get().pk
    assert Company.objects.get().notes == ""


def test_company_import_through_the_screens(
    rep, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(rep)
    assert (
        '<option value="company">企業</option>'
        in client.get(reverse("imports:home")).content.decode()
    )
    with open(FIXTURES / "cp932_companies.csv", "rb") as handle:
        run_url = client.post(reverse("imports:upload"), {"file": handle, "target": "company"})[
            "Location"
        ]
    page = client.get(run_url).content.decode()
    assert 'data-header="取引先名"><option value="">' in page and 'value="name" selected' in page
    assert (
        '<option value="corporate_number" selected>' in page
        and '<option value="email"' not in page.split('id="match_key"')[1].split("</select>")[0]
    )
    assert 'name="consent_statement"' not in page and "Google Contacts" not in page
    # saying it holds people suggests the people's fields; back to companies
    assert client.post(run_url, {"target": "person"}).status_code == 302
    assert 'value="company_name" selected' in client.get(run_url).content.decode()
    client.post(run_url, {"target": "company"})
    run = ImportRun.objects.get()
    form = {
        f"map_{index}": field
        for index, field in enumerate(
            [
                "name",
                "kana",
                "corporate_number",
                "phone",
                "postal_code",
                "address",
                "industry",
                "size",
                "website",
                "external_id",
                "notes",
            ]
        )
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            run_url,
            {**form, "target": "company", "mode": "upsert", "match_key": "corporate_number"},
        )
    assert response.status_code == 302
    with django_assert_max_num_queries(10):
        progress = client.get(
            reverse("imports:progress", args=[run.pk]), HTTP_HX_REQUEST="true"
        ).content.decode()
    yamada = Company.objects.get(corporate_number=YAMADA)
    assert "4 件を新規登録、0 件を更新、2 件はエラー" in progress
    assert (
        f'<a href="{reverse("customers:company", args=[yamada.pk])}">株式会社山田製作所</a>'
        in progress
    )
    assert f">#{yamada.pk}<" not in progress
    assert "企業一覧を開く" in progress
    failed = client.get(reverse("imports:run", args=[run.pk]), {"rows": "failed"}).content.decode()
    assert failed.count('class="outcome-failed"') == 2 and 'class="outcome-created"' not in failed


def test_company_import_through_the_api_and_the_cli(
    rep_api, django_capture_on_commit_callbacks, tmp_path, capsys
):
    from django.core.management import call_command

    assert "corporate_number" in rep_api.get("/api/v1/imports/fields", {"target": "company"}).json()
    with (
        open(FIXTURES / "cp932_companies.csv", "rb") as handle,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = rep_api.upload(
            "/api/v1/imports", {"file": handle}, {"target": "company", "dry_run": "true"}
        )
    assert response.status_code == 201, response.content
    body = rep_api.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert (body["target"], body["match_key"], body["status"]) == (
        "company",
        "corporate_number",
        "finished",
    )
    assert body["counts"] == {
        "created": 4,
        "updated": 0,
        "failed": 2,
        "unchanged": 0,
        "merged": 0,
        "duplicates": 0,
    }
    rows = rep_api.get(f"/api/v1/imports/{body['id']}/rows").json()
    assert [(r["row"], r["action"], r["company_id"]) for r in rows][:2] == [
        (2, "created", None),
        (3, "created", None),
    ]
    with open(FIXTURES / "cp932_companies.csv", "rb") as handle:
        refused = rep_api.upload(
            "/api/v1/imports", {"file": handle}, {"target": "company", "match_key": "email"}
        )
    assert refused.status_code == 422 and "match_key" in refused.json()["errors"]
    with open(FIXTURES / "cp932_companies.csv", "rb") as handle:
        refused = rep_api.upload("/api/v1/imports", {"file": handle}, {"target": "deal"})
    assert refused.status_code == 422 and "target" in refused.json()["errors"]
    target = tmp_path / "companies.csv"
    target.write_bytes((FIXTURES / "cp932_companies.csv").read_bytes())
    call_command("import", str(target), "--target", "company")
    assert "4 件を新規登録、0 件を更新、2 件はエラー" in capsys.readouterr().out
    call_command("import", str(target), "--target", "company")
    # rows with a corporate number are matched (unchanged); ミライ has none, and its 取引先コード
    # is taken by the ミライ of the first run, so it is refused rather than added twice
    assert "0 件を新規登録、0 件を更新、3 件はエラー" in capsys.readouterr().out
    assert Company.objects.count() == 4


def test_undo_of_a_company_import_can_be_imported_again(
    rep, run_import, django_capture_on_commit_callbacks
):
    first = run_import(rep, upload(rep, "cp932_companies.csv"))
    with django_capture_on_commit_callbacks(execute=True):
        services.request_undo(actor=rep, run=first)
    assert not Company.objects.exists() and not ExternalId.objects.exists()
    assert AuditEntry.objects.filter(action="delete", object_type="customers.company").count() == 4
    again = run_import(rep, upload(rep, "cp932_companies.csv"))
    assert (again.created_count, again.failed_count) == (4, 2)


def test_a_dry_run_reports_a_corporate_number_repeated_in_a_later_batch_as_an_update(
    rep, run_import, monkeypatch
):
    from daifuku.imports import companies as company_import

    monkeypatch.setattr(company_import, "BATCH", 1)
    content = (
        "会社名,法人番号,電話番号\r\n株式会社山田製作所,1010001000006,\r\n"
        "山田製作所株式会社,1010001000006,03-1234-5678\r\n"
    ).encode()
    dry = run_import(rep, upload(rep, "companies.csv", content), dry_run=True)
    assert list(dry.outcomes.order_by("row_number").values_list("row_number", "action")) == [
        (2, "created"),
        (3, "updated"),
    ]
    assert dry.outcomes.get(row_number=3).changes == {"same_as_row": 2}
    real = run_import(rep, dry, dry_run=False)
    assert (
        (real.created_count, real.updated_count, real.failed_count)
        == (1, 1, 0)
        == (dry.created_count, dry.updated_count, dry.failed_count)
    )
