"""Splitting a one-column address (住所) into 〒, prefecture, municipality and the rest,
with real addresses (prefectural and municipal offices): the parts as written, ① kept."""

from __future__ import annotations

import pytest

from daifuku.core.japanese_addresses import address_key, address_text, split_address

CASES = [
    # 東京23区
    ("〒100-8111 東京都千代田区千代田1-1", ("1008111", "東京都", "千代田区", "千代田1-1")),
    ("東京都新宿区西新宿2-8-1", ("", "東京都", "新宿区", "西新宿2-8-1")),
    ("東京都北区王子本町1-15-22", ("", "東京都", "北区", "王子本町1-15-22")),
    # 政令市の区
    ("神奈川県横浜市中区日本大通1", ("", "神奈川県", "横浜市中区", "日本大通1")),
    ("大阪府大阪市中央区大手前2丁目", ("", "大阪府", "大阪市中央区", "大手前2丁目")),
    ("北海道札幌市中央区北3条西6丁目", ("", "北海道", "札幌市中央区", "北3条西6丁目")),
    ("愛知県名古屋市中区三の丸3-1-2", ("", "愛知県", "名古屋市中区", "三の丸3-1-2")),
    (
        "京都府京都市上京区下立売通新町西入薮ノ内町",
        ("", "京都府", "京都市上京区", "下立売通新町西入薮ノ内町"),
    ),
    ("埼玉県さいたま市浦和区常盤6-4-4", ("", "埼玉県", "さいたま市浦和区", "常盤6-4-4")),
    ("熊本県熊本市中央区手取本町1-1", ("", "熊本県", "熊本市中央区", "手取本町1-1")),
    # 郡町村 (with and without the 郡)
    ("東京都西多摩郡奥多摩町氷川215-6", ("", "東京都", "西多摩郡奥多摩町", "氷川215-6")),
    ("長野県北佐久郡軽井沢町大字長倉2381-1", ("", "長野県", "北佐久郡軽井沢町", "大字長倉2381-1")),
    ("沖縄県島尻郡与那原町字上与那原16", ("", "沖縄県", "島尻郡与那原町", "字上与那原16")),
    ("栃木県芳賀郡市貝町市塙1280", ("", "栃木県", "芳賀郡市貝町", "市塙1280")),
    ("長野県軽井沢町大字長倉2381-1", ("", "長野県", "軽井沢町", "大字長倉2381-1")),
    ("東京都大島町元町1-1-14", ("", "東京都", "大島町", "元町1-1-14")),
    ("東京都八丈町大賀郷2551-2", ("", "東京都", "八丈町", "大賀郷2551-2")),
    # 市 whose names look like other parts (市, 郡 inside the name)
    ("奈良県大和郡山市北郡山町248-4", ("", "奈良県", "大和郡山市", "北郡山町248-4")),
    ("三重県四日市市諏訪町1-5", ("", "三重県", "四日市市", "諏訪町1-5")),
    ("千葉県市川市八幡1-1-1", ("", "千葉県", "市川市", "八幡1-1-1")),
    ("石川県野々市市三納1-1", ("", "石川県", "野々市市", "三納1-1")),
    ("福島県郡山市朝日1-23-7", ("", "福島県", "郡山市", "朝日1-23-7")),
    ("岐阜県郡上市八幡町島谷228", ("", "岐阜県", "郡上市", "八幡町島谷228")),
    # written as typed: ヶ for ケ, full-width digits, ①, a full-width space, 〒 and dashes
    ("茨城県龍ヶ崎市3710", ("", "茨城県", "龍ヶ崎市", "3710")),
    (
        "〒１００－０００１　東京都千代田区千代田１－１　コーポ①２０１",
        ("1000001", "東京都", "千代田区", "千代田１－１ コーポ①２０１"),
    ),
    (
        "150-0002 東京都 渋谷区 渋谷2-3-4 メゾン渋谷101",
        ("1500002", "東京都", "渋谷区", "渋谷2-3-4 メゾン渋谷101"),
    ),
    # the same city name in two prefectures: split by the prefecture written …
    ("東京都府中市宮西町2-24", ("", "東京都", "府中市", "宮西町2-24")),
    ("広島県府中市府川町315", ("", "広島県", "府中市", "府川町315")),
    # … and without it the prefecture is not guessed; a unique city names its prefecture
    ("府中市宮西町2-24", ("", "", "府中市", "宮西町2-24")),
    ("横浜市港北区日吉4-1-1", ("", "神奈川県", "横浜市港北区", "日吉4-1-1")),
    # nothing recognised: all of it is the rest
    ("丸の内1-1", ("", "", "", "丸の内1-1")),
    ("", ("", "", "", "")),
]


@pytest.mark.parametrize(("text", "parts"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_split_address(text, parts):
    found = split_address(text)
    assert (found.postal_code, found.prefecture, found.city, found.rest) == parts


def test_address_text_keeps_characters_and_key_folds_them():
    assert address_text(" コーポ①\u200b　２０１ ") == "コーポ① ２０１"
    assert address_key("龍ヶ崎市 千代田１－１ コーポ①") == address_key("龍ケ崎市千代田1-1コーポ1")
