"""Generated orders for the business-figure tests, small enough that every expected
figure is worked out by hand in the tests (fixtures imported by the test modules)."""

from __future__ import annotations

import datetime as dt

import pytest

SHOP = [
    ("CHA-SENCHA", "煎茶 100g", 1_500, "reduced"),
    ("CHA-GYOKURO", "玉露 100g", 3_000, "reduced"),
    ("WAG-DAIFUKU", "豆大福", 1_200, "reduced"),
    ("KOG-YUNOMI", "湯呑み", 3_600, "standard"),
]


@pytest.fixture
def shop(db):
    from django.core.cache import cache

    from daifuku.commerce.services import create_product

    # co-purchases are cached by the newest order and return ids, which SQLite hands out
    # again after a test's rollback
    cache.clear()
    return {
        code.split("-")[1].lower(): create_product(
            actor="test",
            data={"code": code, "name": name, "unit_price": price, "tax_category": tax},
        )
        for code, name, price, tax in SHOP
    }


@pytest.fixture
def world(rep, shop):
    """Four customers, January–April 2026 (tax 8 % on the tea and sweets):

    * 青木 (acquired in the store): 01-10 store 煎茶+大福 ¥2,916; 02-05 store ¥5,500;
      03-20 EC 玉露 ¥3,240;
    * 馬場 (EC): 01-25 EC 煎茶+大福 ¥2,916 with the 煎茶 returned (net ¥1,296) and, the same
      day, EC ¥1,100 — one buying day;
    * 千葉 (no source): 02-14 store ¥11,000 returned in full (does not count); 02-20 store
      煎茶+大福 ¥2,916;
    * 大和商事 (a company): 02-01 phone ¥22,000; 04-01 phone ¥22,000."""
    from daifuku.commerce.services import record_order, record_return
    from daifuku.customers.services import create_company, create_person

    def person(family, source):
        return create_person(
            actor=rep, data={"family_name": family, "given_name": "様", "source_channel": source}
        )

    aoki, baba, chiba = person("青木", "store"), person("馬場", "ec"), person("千葉", "")
    yamato = create_company(actor=rep, data={"name": "大和商事"})
    pair = [{"product": shop["sencha"], "quantity": 1}, {"product": shop["daifuku"], "quantity": 1}]

    def order(number, customer, day, channel, **what):
        key = "company" if customer is yamato else "person"
        return record_order(
            actor=rep,
            number=number,
            ordered_at=dt.date(2026, *day),
            channel=channel,
            **{key: customer},
            **what,
        )[0]

    order("A1", aoki, (1, 10), "店舗", lines=pair)
    order("A2", aoki, (2, 5), "店舗", total=5_500)
    order("A3", aoki, (3, 20), "EC", lines=[{"product": shop["gyokuro"], "quantity": 1}])
    b1 = order("B1", baba, (1, 25), "EC", lines=pair)
    sencha_line = b1.lines.get(product=shop["sencha"])
    record_return(actor=rep, order=b1, lines=[{"line_id": sencha_line.pk, "quantity": 1}])
    order("B2", baba, (1, 25), "EC", total=1_100)
    c1 = order("C1", chiba, (2, 14), "店舗", total=11_000)
    record_return(actor=rep, order=c1)
    order("C2", chiba, (2, 20), "店舗", lines=pair)
    order("D1", yamato, (2, 1), "電話", total=22_000)
    order("D2", yamato, (4, 1), "電話", total=22_000)
    return {"aoki": aoki, "baba": baba, "chiba": chiba, "yamato": yamato}
