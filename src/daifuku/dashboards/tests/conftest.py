"""Fixtures of the dashboards tests: a small shop's orders placed relative to today, so
every figure (which looks back from the current month) sees them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


def months_ago(n: int, day: int = 10) -> dt.datetime:
    """Noon (Japan time) on ``day`` of the month ``n`` months before this one."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - n
    when = dt.datetime(index // 12, index % 12 + 1, day, 12, 0)
    return timezone.make_aware(when, timezone.get_default_timezone())


@pytest.fixture
def shop(rep):
    """Three people and a company; orders over the last months (tax-included totals):

    * 花子: 3 months ago ¥11,000 (店舗, tea+cup), 2 months ago ¥5,500 (EC, tea+cup)
    * 太郎: 3 months ago ¥22,000 (EC, tea+cup), 1 month ago ¥3,300 (EC) — then returned
    * 次郎: 2 months ago ¥1,100 (店舗)
    * 山田製作所 (company): 1 month ago ¥110,000 (外商)
    """
    from daifuku.commerce.services import create_product, record_order, record_return
    from daifuku.customers.services import create_company, create_person

    tea = create_product(actor="test", data={"code": "TEA", "name": "煎茶", "unit_price": 1000})
    cup = create_product(actor="test", data={"code": "CUP", "name": "湯呑み", "unit_price": 1000})
    hanako = create_person(actor=rep, data={"family_name": "山田", "given_name": "花子"})
    taro = create_person(actor=rep, data={"family_name": "佐藤", "given_name": "太郎"})
    jiro = create_person(actor=rep, data={"family_name": "鈴木", "given_name": "次郎"})
    company = create_company(actor=rep, data={"name": "株式会社山田製作所"})

    def order(number, customer, when, channel, total, products=()):
        kwargs = {"person": customer} if hasattr(customer, "family_name") else {"company": customer}
        lines = [{"product": p, "quantity": 1} for p in products]
        if lines:
            # the products' lines plus a free line that brings the total to ``total``
            rest = round(total / 1.1) - 1000 * len(lines)
            lines.append({"name": "その他", "quantity": 1, "unit_price": rest, "tax_rate": 10})
            created, _new = record_order(
                actor="test", number=number, ordered_at=when, channel=channel, lines=lines, **kwargs
            )
        else:
            created, _new = record_order(
                actor="test", number=number, ordered_at=when, channel=channel, total=total, **kwargs
            )
        return created

    order("S-1", hanako, months_ago(3), "店舗", 11_000, (tea, cup))
    order("S-2", hanako, months_ago(2), "EC", 5_500, (tea, cup))
    order("S-3", taro, months_ago(3), "EC", 22_000, (tea, cup))
    returned = order("S-4", taro, months_ago(1), "EC", 3_300)
    order("S-5", jiro, months_ago(2), "店舗", 1_100)
    order("S-6", company, months_ago(1), "外商", 110_000)
    record_return(actor="test", order=returned, returned_at=months_ago(1, day=12))
    return {"hanako": hanako, "taro": taro, "jiro": jiro, "company": company}
