"""A single 住所 column: 〒, prefecture, municipality and the rest, the rest stored as written."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from daifuku.customers import services as customer_services
from daifuku.customers.models import Person
from daifuku.imports import services

FILE = (
    "氏名,住所\r\n"
    "山田 太郎,〒１００－０００１　東京都千代田区千代田１－１　コーポ①２０１\r\n"
    "佐藤 花子,神奈川県横浜市港北区日吉4-1-1\r\n"
    "鈴木 一郎,東京都西多摩郡奥多摩町氷川215-6\r\n"
)


def test_one_address_column_is_split_and_kept_as_written(rep, run_import):
    run = services.upload(
        actor=rep, file=SimpleUploadedFile("a.csv", FILE.encode("cp932")), name="a.csv"
    )
    assert run.mapping["住所"] == "address"
    run = run_import(rep, run)
    assert run.created_count == 3
    got = {
        p.family_name: (p.postal_code, p.prefecture, p.city, p.address_line)
        for p in Person.objects.all()
    }
    assert got == {
        "山田": ("1000001", "東京都", "千代田区", "千代田１－１ コーポ①２０１"),
        "佐藤": ("", "神奈川県", "横浜市港北区", "日吉4-1-1"),
        "鈴木": ("", "東京都", "西多摩郡奥多摩町", "氷川215-6"),
    }


def test_forms_and_api_keep_the_address_as_written(rep):
    person = customer_services.create_person(
        actor=rep,
        data={
            "family_name": "田中",
            "address_line": " 本町①－２\u200b",
            "building": "ハイツ㈱　２０１",
        },
    )
    assert (person.address_line, person.building) == ("本町①－２", "ハイツ㈱ ２０１")
