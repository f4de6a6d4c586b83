"""A postal code shared by two prefectures is never guessed: the address is left to the
user and the row carries a warning naming the candidates."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from daifuku.customers import services as customer_services
from daifuku.customers.models import Person
from daifuku.imports import services

FILE = (
    "氏名,メールアドレス,郵便番号\r\n"
    "山田 太郎,yamada@example.jp,498-0000\r\n"
    "佐藤 花子,sato@example.jp,100-0001\r\n"
)
WARNING = (
    "郵便番号 498-0000 は 愛知県弥富市 / 三重県桑名郡木曽岬町 のいずれかです。"
    "都道府県・市区町村は推測せず空欄にしました。住所をご確認ください。"
)


def _upload(rep, text=FILE):
    return services.upload(actor=rep, file=SimpleUploadedFile("p.csv", text.encode()), name="p.csv")


def test_shared_postal_code_is_not_guessed_and_warned_per_row(rep, rep_api, run_import):
    run = run_import(rep, _upload(rep))
    assert run.created_count == 2
    yamada, sato = Person.objects.get(family_name="山田"), Person.objects.get(family_name="佐藤")
    assert (yamada.postal_code, yamada.prefecture, yamada.city) == ("4980000", "", "")
    assert (sato.prefecture, sato.city) == ("東京都", "千代田区")
    rows = rep_api.get(f"/api/v1/imports/{run.pk}/rows", {"warnings": "true"}).json()
    assert [(r["row"], r["action"], r["person_id"], r["warnings"]) for r in rows] == [
        (2, "created", yamada.pk, [WARNING])
    ]


def test_dry_run_and_update_warn_too_and_undo_ignores_the_warning(
    rep, rep_api, run_import, django_capture_on_commit_callbacks
):
    dry = run_import(rep, _upload(rep), dry_run=True)
    assert dry.outcomes.get(row_number=2).changes["warnings"] == [WARNING]
    person = customer_services.create_person(
        actor=rep, data={"family_name": "山田", "emails": ["yamada@example.jp"]}
    )
    run = run_import(
        rep,
        _upload(rep, "メールアドレス,郵便番号\r\nyamada@example.jp,498-0000\r\n"),
        mode="update",
    )
    outcome = run.outcomes.get()
    assert (outcome.action, outcome.changes["warnings"]) == ("updated", [WARNING])
    person.refresh_from_db()
    assert (person.postal_code, person.prefecture, person.city) == ("4980000", "", "")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_undo(actor=rep, run=run)
    person.refresh_from_db()
    assert person.postal_code == ""


def test_the_service_does_not_guess_either(rep):
    person = customer_services.create_person(
        actor=rep, data={"family_name": "田中", "postal_code": "4980000"}
    )
    assert (person.prefecture, person.city) == ("", "")
    person = customer_services.create_person(
        actor=rep, data={"family_name": "田中", "postal_code": "1000001"}
    )
    assert (person.prefecture, person.city) == ("東京都", "千代田区")
