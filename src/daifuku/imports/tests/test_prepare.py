"""Cleaning rows: remembering the cleaned values of repeated cells changes no result."""

from __future__ import annotations

import pytest

from daifuku.core.errors import ValidationFailed
from daifuku.customers.services.people import _fill_from_postal_code
from daifuku.customers.validation import clean_person
from daifuku.imports import mapping
from daifuku.imports.prepare import PERSON_KEYS, Preparer, _message, describe

HEADERS = [
    "氏名",
    "フリガナ",
    "メールアドレス",
    "郵便番号",
    "都道府県",
    "市区町村",
    "番地",
    "生年月日",
    "性別",
    "備考",
]
ROWS = [
    ["山田 太郎", "やまだ たろう", "taro@example.jp", "100-0001", "", "", "", "1980/1/2", "男", ""],
    [
        "山田 太郎",
        "ﾔﾏﾀﾞ ﾀﾛｳ",
        "taro2@example.jp",
        "100-0001",
        "",
        "",
        "1-1",
        "1980/1/2",
        "男",
        "メモ",
    ],
    [
        "山田 花子",
        "ヤマダ ハナコ",
        "hanako@example.jp",
        "1000001",
        "東京都",
        "",
        "",
        "2999/1/1",
        "女",
        "",
    ],
    [
        "山田 花子",
        "ヤマダ ハナコ",
        "hanako2@example.jp",
        "12",
        "東京都",
        "千代田区",
        "",
        "2999/1/1",
        "?",
        "",
    ],
    [
        "髙橋 一郎",
        "タカハシ イチロウ",
        "ichiro@example.jp",
        "150-0002",
        "北海道",
        "",
        "",
        "",
        "",
        "x" * 10_001,
    ],
    [
        "髙橋 一郎",
        "taka",
        "ichiro2@example.jp",
        "150-0002",
        "北海道",
        "渋谷区",
        "",
        "昭和55年1月2日",
        "F",
        "",
    ],
]


def reference(plan, cells):
    """What cleaning a row gives without remembering anything: clean_person on the whole
    row, then the postal-code fill (the code before the memo)."""
    data, error = mapping.row_data(plan, cells), ""
    try:
        values = clean_person({k: data[k] for k in PERSON_KEYS if k in data}, creating=False)
        _fill_from_postal_code(values)
    except ValidationFailed as exc:
        return {}, _message(exc)
    return values, error


@pytest.mark.django_db
def test_remembered_cleaning_gives_what_clean_person_gives_row_by_row():
    plan = mapping.compile_mapping(HEADERS, mapping.suggest(HEADERS))
    preparer = Preparer(plan, consent_statement="", definitions=[])
    for _round in range(2):  # the second round is served from the memo
        for number, cells in enumerate(ROWS, start=2):
            row = preparer(number, cells)
            values, error = reference(plan, cells)
            if error:
                assert row.error == error
                continue
            assert not row.error and row.values == values
            v = row.values
            assert (row.sort_kana, row.document) == describe(
                v.get("family_name", ""),
                v.get("given_name", ""),
                v.get("family_kana", ""),
                v.get("given_kana", ""),
            )
    # the rows above do exercise the memo and the fill
    assert preparer(2, ROWS[0]).values["prefecture"] == "東京都"
    assert "1-1" == preparer(3, ROWS[1]).values["address_line"]
    assert (
        preparer(5, ROWS[3]).error.count(":") >= 2
    )  # several fields wrong: all named, in the form's order
