"""A few customers for the mail-template tests: a ゴールド repeat buyer in her 40s with a
company, a first-time ブロンズ buyer in his 20s, and someone who never bought (no birthday)."""

from __future__ import annotations

import datetime as dt


def build_mail_world(rep, admin, django_capture_on_commit_callbacks) -> dict:
    """The customers (test modules wrap this in their ``mail_world`` fixture)."""
    from django.utils import timezone

    from daifuku.commerce.services import create_product, record_order
    from daifuku.customers.services import add_contact, create_company, create_person

    today = timezone.localdate()
    hanako = create_person(
        actor=rep,
        data={
            "family_name": "田中",
            "given_name": "花子",
            "birthday": (today - dt.timedelta(days=365 * 45)).isoformat(),
            "email": "hanako@example.jp",
        },
    )
    ichiro = create_person(
        actor=rep,
        data={
            "family_name": "鈴木",
            "given_name": "一郎",
            "birthday": (today - dt.timedelta(days=365 * 25)).isoformat(),
            "email": "ichiro@example.jp",
        },
    )
    kenta = create_person(actor=rep, data={"family_name": "佐藤", "given_name": "健太"})
    company = create_company(actor=rep, data={"name": "株式会社山田製作所"})
    add_contact(actor=rep, person=hanako, company=company, data={"department": "総務部"})
    tea = create_product(actor="test", data={"code": "TEA", "name": "煎茶", "unit_price": 1000})
    cup = create_product(actor="test", data={"code": "CUP", "name": "湯呑み", "unit_price": 3000})
    pot = create_product(actor="test", data={"code": "POT", "name": "急須", "unit_price": 120000})
    now = timezone.localtime().replace(microsecond=0)
    plan = [
        ("H1", hanako, 30, tea),
        ("H2", hanako, 20, cup),
        ("H3", hanako, 10, pot),  # ¥120,000 in 12 months: ゴールド
        ("I1", ichiro, 5, cup),
        ("X1", kenta, 3, tea),  # kenta's order is cancelled below: no purchase
    ]
    orders = {}
    with django_capture_on_commit_callbacks(execute=True):
        for number, person, days, product in plan:
            orders[number] = record_order(
                actor=admin,
                number=number,
                ordered_at=now - dt.timedelta(days=days),
                person=person,
                lines=[{"product_id": product.pk, "quantity": 1}],
            )[0]
        # two orders with tea and cup together make them a co-purchase pair
        for n in range(2):
            record_order(
                actor=admin,
                number=f"P{n}",
                ordered_at=now - dt.timedelta(days=40 + n),
                person=kenta,
                lines=[
                    {"product_id": tea.pk, "quantity": 1},
                    {"product_id": cup.pk, "quantity": 1},
                ],
            )
    return {
        "hanako": hanako,
        "ichiro": ichiro,
        "kenta": kenta,
        "company": company,
        "tea": tea,
        "cup": cup,
        "pot": pot,
    }
