"""Custom fields in imports: mappable (suggested by their label), values checked by the
field's rules, a required one that no column fills said once before the import runs, and
a new row without it failing alone with the field named."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from daifuku.core.errors import ValidationFailed
from daifuku.customers import services as customer_services
from daifuku.customers.models import Company, Person
from daifuku.imports import services, targets


@pytest.fixture
def visits(admin):
    return customer_services.define_custom_field(
        actor=admin,
        data={
            "target": "person",
            "key": "visits",
            "label": "来店頻度",
            "field_type": "choice",
            "choices": ["毎週", "毎月", "年数回"],
            "required": True,
        },
    )


@pytest.fixture
def rank(admin):
    return customer_services.define_custom_field(
        actor=admin,
        data={"target": "person", "key": "rank", "label": "会員ランク", "field_type": "text"},
    )


def upload(actor, text: str, target: str = "person"):
    return services.upload(
        actor=actor, file=SimpleUploadedFile("c.csv", text.encode()), name="c.csv", target=target
    )


def test_custom_fields_are_mapping_targets_suggested_by_label(rep, visits, rank, rep_api):
    run = upload(
        rep, "氏名,メールアドレス,来店頻度,会員ランク\r\n山田 太郎,t@example.jp,毎週,ゴールド\r\n"
    )
    assert run.mapping == {
        "氏名": "full_name",
        "メールアドレス": "email",
        "来店頻度": "custom.visits",
        "会員ランク": "custom.rank",
    }
    fields = rep_api.get("/api/v1/imports/fields").json()
    assert fields["custom.visits"] in ("来店頻度 (custom field)", "来店頻度（カスタム項目）")


def test_custom_values_are_imported_and_checked_per_row(rep, visits, rank, run_import):
    run = upload(
        rep,
        "氏名,メールアドレス,来店頻度,会員ランク\r\n"
        "山田 太郎,yamada@example.jp,毎週,ゴールド\r\n"
        "佐藤 花子,sato@example.jp,毎日,\r\n"
        "鈴木 一郎,suzuki@example.jp,,シルバー\r\n",
    )
    run = run_import(rep, run)
    assert (run.created_count, run.failed_count) == (1, 2)
    assert Person.objects.get().custom_fields == {"visits": "毎週", "rank": "ゴールド"}
    reasons = dict(run.outcomes.filter(action="failed").values_list("row_number", "reason"))
    assert reasons[3].startswith("来店頻度: ") and "毎週" in reasons[3]
    assert reasons[4] in (
        "来店頻度: This field is required.",
        "来店頻度: 入力してください（必須項目です）。",
    )


def test_required_custom_field_without_column_is_one_mapping_problem(
    rep, visits, rep_api, run_import
):
    text = "氏名,メールアドレス\r\n山田 太郎,yamada@example.jp\r\n佐藤 花子,sato@example.jp\r\n"
    response = rep_api.upload(
        "/api/v1/imports", {"file": SimpleUploadedFile("c.csv", text.encode())}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "mapping_incomplete" and len(body["errors"]["mapping"]) == 1
    assert "来店頻度" in body["errors"]["mapping"][0]
    # uploaded only, to review: the preview says it, once
    response = rep_api.upload(
        "/api/v1/imports", {"file": SimpleUploadedFile("c.csv", text.encode()), "start": "false"}
    )
    assert response.status_code == 201
    problems = response.json()["mapping_problems"]
    assert len(problems) == 1 and "来店頻度" in problems[0]
    client = Client()
    client.force_login(rep)
    page = client.get(reverse("imports:run", args=[response.json()["id"]])).content.decode()
    assert 'id="mapping-problems"' in page and "来店頻度" in page
    # updating only needs no such column: the customers keep theirs
    person = customer_services.create_person(
        actor=rep,
        data={
            "family_name": "山田",
            "emails": ["yamada@example.jp"],
            "custom_fields": {"visits": "毎月"},
        },
    )
    run = upload(rep, "メールアドレス,備考\r\nyamada@example.jp,常連\r\n")
    run = run_import(rep, run, mode="update")
    assert run.updated_count == 1
    person.refresh_from_db()
    assert (person.notes, person.custom_fields) == ("常連", {"visits": "毎月"})
    with pytest.raises(ValidationFailed):
        services.check_mapping(upload(rep, text))


def test_custom_value_update_is_undone(rep, rank, run_import, django_capture_on_commit_callbacks):
    person = customer_services.create_person(
        actor=rep, data={"family_name": "山田", "emails": ["yamada@example.jp"]}
    )
    run = run_import(
        rep, upload(rep, "メールアドレス,会員ランク\r\nyamada@example.jp,ゴールド\r\n")
    )
    assert run.updated_count == 1
    person.refresh_from_db()
    assert person.custom_fields == {"rank": "ゴールド"}
    with django_capture_on_commit_callbacks(execute=True):
        services.request_undo(actor=rep, run=run)
    person.refresh_from_db()
    assert person.custom_fields == {}


def test_company_custom_fields(rep, admin, run_import):
    customer_services.define_custom_field(
        actor=admin,
        data={
            "target": "company",
            "key": "segment",
            "label": "取引区分",
            "field_type": "choice",
            "choices": ["重点", "通常"],
            "required": True,
        },
    )
    run = upload(rep, "会社名,取引区分\r\n株式会社あおば,重点\r\nみどり㈱,\r\n", target="company")
    assert run.mapping == {"会社名": "name", "取引区分": "custom.segment"}
    run = run_import(rep, run, mode="create", match_key="corporate_number")
    assert (run.created_count, run.failed_count) == (1, 1)
    assert Company.objects.get().custom_fields == {"segment": "重点"}
    reason = run.outcomes.get(action="failed").reason
    assert reason.startswith("取引区分: ")
    assert targets.mapping_problems("company", {"会社名": "name"}, "create")
