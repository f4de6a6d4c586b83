"""vCard readings (フリガナ) in every form phones write them, split into セイ / メイ."""

from __future__ import annotations

import quopri

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from daifuku.customers.models import Person
from daifuku.imports import services
from daifuku.imports.readers import VCARD_HEADERS, parse_card, split_reading


def _qp(text: str) -> str:
    return quopri.encodestring(text.encode("cp932")).decode("ascii")


CARDS = [
    # vCard 2.1 SORT-STRING with a half-width space
    ("N:山田;太郎;;;", "SORT-STRING:ヤマダ タロウ"),
    # … quoted-printable Shift_JIS, half-width kana, a full-width space
    (
        "N:佐藤;花子;;;",
        f"SORT-STRING;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{_qp('ｻﾄｳ　ﾊﾅｺ')}",
    ),
    # … the semicolon form
    ("N:高橋;健;;;", "SORT-STRING:タカハシ;ケン"),
    # feature phones: SOUND;X-IRMC-N
    ("N:伊藤;誠;;;", "SOUND;X-IRMC-N;CHARSET=SHIFT_JIS:ｲﾄｳ;ﾏｺﾄ;;;"),
    # the whole reading in X-PHONETIC-LAST-NAME, the first name empty
    ("N:鈴木;一郎;;;", "X-PHONETIC-LAST-NAME:スズキ　イチロウ"),
    # the pair as it should be: left alone
    ("N:田中;次郎;;;", "X-PHONETIC-LAST-NAME:タナカ\r\nX-PHONETIC-FIRST-NAME:ジロウ"),
    # no space: split by a known surname reading
    ("N:渡辺;明;;;", "SORT-STRING:わたなべあきら"),
]


def _vcf() -> bytes:
    cards = [
        f"BEGIN:VCARD\r\nVERSION:2.1\r\n{n}\r\n{reading}\r\nEND:VCARD\r\n" for n, reading in CARDS
    ]
    return "".join(cards).encode("cp932")


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("ヤマダ タロウ", ("ヤマダ", "タロウ")),
        ("ヤマダ　タロウ", ("ヤマダ", "タロウ")),
        ("ヤマダ;タロウ;;;", ("ヤマダ", "タロウ")),
        (";タロウ", ("", "タロウ")),
        ("ヤマダ", ("ヤマダ", "")),
    ],
)
def test_split_reading(value, parts):
    assert split_reading(value) == parts


def test_sort_string_does_not_override_the_phonetic_pair():
    cells = dict(
        zip(
            VCARD_HEADERS,
            parse_card(
                [
                    "N:田中;次郎;;;",
                    "X-PHONETIC-LAST-NAME:タナカ",
                    "X-PHONETIC-FIRST-NAME:ジロウ",
                    "SORT-STRING:ベツ メイ",
                ],
                "cp932",
            ),
            strict=True,
        )
    )
    assert (cells["family_kana"], cells["given_kana"]) == ("タナカ", "ジロウ")


def test_vcard_readings_are_split_into_family_and_given_kana(rep, run_import):
    run = services.upload(actor=rep, file=SimpleUploadedFile("phone.vcf", _vcf()), name="phone.vcf")
    run = run_import(rep, run, mode="create")
    assert run.created_count == len(CARDS), list(run.outcomes.values_list("reason", flat=True))
    got = {p.family_name: (p.family_kana, p.given_kana) for p in Person.objects.all()}
    assert got == {
        "山田": ("ヤマダ", "タロウ"),
        "佐藤": ("サトウ", "ハナコ"),
        "高橋": ("タカハシ", "ケン"),
        "伊藤": ("イトウ", "マコト"),
        "鈴木": ("スズキ", "イチロウ"),
        "田中": ("タナカ", "ジロウ"),
        "渡辺": ("ワタナベ", "アキラ"),
    }
