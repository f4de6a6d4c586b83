"""Probable duplicates in the dry run: rows that would create a customer who is probably
in the ledger already are listed with the existing customer (名寄せ keys and scoring),
found with a fixed number of queries per batch, and shown in the API, the page and the CLI."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from daifuku.customers import services as customer_services
from daifuku.customers.models import Company, Person
from daifuku.imports import duplicates, services
from daifuku.imports.prepare import Preparer

PEOPLE = (
    "顧客番号,氏名,フリガナ,メールアドレス,生年月日,郵便番号\r\n"
    ",田中 太郎,タナカ タロウ,Tanaka@Example.jp,,\r\n"
    ",佐藤 花子,さとう はなこ,hanako.new@example.jp,昭和55年3月4日,\r\n"
    ",鈴木 一郎,スズキ イチロウ,suzuki@example.jp,1990-01-01,\r\n"
    ",高橋 次郎,,,1985-05-05,\r\n"
)


@pytest.fixture
def ledger(rep):
    tanaka = customer_services.create_person(
        actor=rep,
        data={
            "family_name": "田中",
            "given_name": "太郎",
            "family_kana": "タナカ",
            "given_kana": "タロウ",
            "emails": ["tanaka@example.jp"],
        },
    )
    sato = customer_services.create_person(
        actor=rep,
        data={
            "family_name": "佐藤",
            "given_name": "花子",
            "family_kana": "サトウ",
            "given_kana": "ハナコ",
            "birthday": "1980-03-04",
            "emails": ["hanako@example.jp"],
        },
    )
    # a namesake born on another day is not a probable duplicate
    customer_services.create_person(
        actor=rep,
        data={
            "family_name": "鈴木",
            "given_name": "一郎",
            "family_kana": "スズキ",
            "given_kana": "イチロウ",
            "birthday": "1970-07-07",
        },
    )
    takahashi = customer_services.create_person(
        actor=rep, data={"family_name": "高橋", "given_name": "次郎", "birthday": "1985-05-05"}
    )
    return {"tanaka": tanaka, "sato": sato, "takahashi": takahashi}


def dry_run(rep, run_import, content: bytes = PEOPLE.encode(), **options):
    run = services.upload(actor=rep, file=SimpleUploadedFile("pos.csv", content), name="pos.csv")
    # keyed by member number: rows without one are new customers, whatever their email
    return run_import(rep, run, dry_run=True, match_key="external_id", **options)


def test_dry_run_lists_probable_duplicates_per_created_row(rep, ledger, run_import):
    run = dry_run(rep, run_import)
    assert Person.objects.count() == 4
    rows = {o.row_number: o for o in run.outcomes.all()}
    assert [rows[n].action for n in (2, 3, 4, 5)] == ["created"] * 4
    [tanaka] = rows[2].changes["duplicates"]
    assert (tanaka["id"], tanaka["name"], tanaka["email"]) == (
        ledger["tanaka"].pk,
        "田中 太郎",
        "tanaka@example.jp",
    )
    assert {"email", "kana", "name"} <= set(tanaka["reasons"]) and tanaka["score"] == 100
    [sato] = rows[3].changes["duplicates"]
    assert (sato["id"], sato["email"]) == (ledger["sato"].pk, "hanako@example.jp")
    assert set(sato["reasons"]) == {"kana", "name", "birthday"} and sato["score"] == 70
    assert "duplicates" not in rows[4].changes  # same name and reading, another birthday
    [takahashi] = rows[5].changes["duplicates"]  # no reading: the same name and birthday
    assert takahashi["id"] == ledger["takahashi"].pk and set(takahashi["reasons"]) == {
        "name",
        "birthday",
    }
    assert run.duplicate_count == 3


def test_lookups_are_batched_not_per_row(rep, ledger):
    preparer = Preparer(
        [(0, "full_name"), (1, "full_kana"), (2, "email"), (3, "birthday")],
        consent_statement="",
        definitions=[],
    )

    def queries(count: int) -> int:
        rows = [
            preparer(n, [f"田中 太郎{n}", "タナカ タロウ", f"t{n}@example.jp", "1980-01-01"])
            for n in range(count)
        ]
        rows.append(preparer(count, ["田中 太郎", "タナカ タロウ", "tanaka@example.jp", ""]))
        with CaptureQueriesContext(connection) as captured:
            found = duplicates.for_people(rep, rows)
        assert [d["id"] for d in found[count]] == [ledger["tanaka"].pk]
        return len(captured)

    assert queries(3) == queries(300)


def test_rows_api_and_cli_show_the_duplicates(rep, rep_api, ledger, run_import, tmp_path, capsys):
    run = dry_run(rep, run_import)
    body = rep_api.get(f"/api/v1/imports/{run.pk}").json()
    assert body["counts"]["duplicates"] == 3 and body["target"] == "person"
    rows = rep_api.get(f"/api/v1/imports/{run.pk}/rows", {"duplicates": "true"}).json()
    assert [r["row"] for r in rows] == [2, 3, 5]
    assert rows[0]["duplicates"][0] == {
        "id": ledger["tanaka"].pk,
        "name": "田中 太郎",
        "email": "tanaka@example.jp",
        "score": 100,
        "reasons": rows[0]["duplicates"][0]["reasons"],
    }
    target = tmp_path / "pos.csv"
    target.write_bytes(PEOPLE.encode())
    call_command("import", str(target), "--dry-run", "--key", "external_id")
    assert (
        capsys.readouterr().out.splitlines()[-1]
        == "試し実行: 4 件を新規登録、0 件を更新、0 件はエラー、重複の可能性 3件"
    )


def test_result_page_says_which_customer_the_row_probably_is(
    rep, ledger, run_import, django_assert_max_num_queries
):
    run = dry_run(rep, run_import)
    client = Client()
    client.force_login(rep)
    with django_assert_max_num_queries(10):
        page = client.get(
            reverse("imports:progress", args=[run.pk]), HTTP_HX_REQUEST="true"
        ).content.decode()
    link = reverse("customers:person", args=[ledger["tanaka"].pk])
    assert (
        f'この行は <a href="{link}">田中 太郎（tanaka@example.jp）</a> '
        "と重複している可能性があります。"
    ) in page
    assert "重複の可能性 3件" in page and "メールアドレスが一致" in page
    only = client.get(
        reverse("imports:run", args=[run.pk]), {"rows": "duplicates"}
    ).content.decode()
    assert only.count('class="outcome-created"') == 3


def test_update_only_and_real_runs_look_nothing_up(
    rep, ledger, run_import, django_capture_on_commit_callbacks
):
    run = dry_run(rep, run_import, mode="update")
    assert run.duplicate_count == 0 and run.failed_count == 4


def test_company_dry_run_lists_the_company_it_probably_is(rep, run_import):
    yamada = customer_services.create_company(
        actor=rep, data={"name": "山田製作所(株)", "phones": ["03-1234-5678"]}
    )
    customer_services.create_company(
        actor=rep, data={"name": "鈴木建設", "corporate_number": "9700150005678"}
    )
    content = (
        "会社名,電話番号,法人番号\r\n㈱山田製作所,,\r\n株式会社 別会社,03-1234-5678,\r\n株式会社 新会社,,\r\n"
        "鈴木建設(株),,9700150005678\r\n"
    ).encode()
    run = services.upload(
        actor=rep, file=SimpleUploadedFile("c.csv", content), name="c.csv", target="company"
    )
    run = run_import(rep, run, dry_run=True, match_key="external_id", mode="create")
    rows = {o.row_number: o for o in run.outcomes.all()}
    assert rows[2].changes["duplicates"][0]["id"] == yamada.pk
    assert rows[2].changes["duplicates"][0]["reasons"] == ["company_name"]
    assert rows[3].changes["duplicates"][0]["reasons"] == ["phone"]
    assert "duplicates" not in rows[4].changes
    # the corporate number is taken: the service refuses the row and names the company
    assert rows[5].action == "failed" and "鈴木建設" in rows[5].reason
    assert run.duplicate_count == 2 and Company.objects.count() == 2
