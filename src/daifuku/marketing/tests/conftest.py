"""A small ledger in which each segment condition has people it selects and people it
does not: three people with birthdays, addresses, tags, consent, custom fields, orders
(one cancelled), touches and a stalled deal. ``TODAY`` is fixed so ages and "days since"
are exact."""

from __future__ import annotations

import datetime as dt

import pytest

TODAY = dt.date(2026, 11, 3)


@pytest.fixture
def context():
    from django.utils import timezone

    from daifuku.marketing.conditions import Context

    return Context(today=TODAY, now=timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12, 0))))


@pytest.fixture
def ledger(rep, other_rep, admin, teams):
    from django.utils import timezone

    from daifuku.activities.services import log_touch
    from daifuku.commerce.services import create_product, record_order, record_return
    from daifuku.customers.services import (
        create_person,
        create_tag,
        define_custom_field,
        record_consent,
    )
    from daifuku.sales.models import Deal
    from daifuku.sales.services import create_deal, create_pipeline

    create_tag(actor=admin, name="VIP")
    create_tag(actor=admin, name="年賀状")
    define_custom_field(
        actor=admin,
        data={
            "target": "person",
            "key": "member_number",
            "label": "会員番号",
            "field_type": "text",
        },
    )
    define_custom_field(
        actor=admin,
        data={
            "target": "person",
            "key": "hobby",
            "label": "趣味",
            "field_type": "multi_choice",
            "choices": ["茶道", "華道", "書道"],
        },
    )
    define_custom_field(
        actor=admin,
        data={"target": "person", "key": "visits", "label": "来店回数", "field_type": "number"},
    )
    hanako = create_person(
        actor=rep,
        data={
            "family_name": "山田",
            "given_name": "花子",
            "birthday": "1980-05-10",
            "gender": "female",
            "prefecture": "東京都",
            "city": "渋谷区",
            "tags": ["VIP", "年賀状"],
            "lifecycle": "repeat",
            "relationship_stage": "collaborative",
            "source_channel": "ec",
            "email": "hanako@example.jp",
            "custom_fields": {"member_number": "M-001", "hobby": ["茶道", "書道"], "visits": 12},
        },
    )
    ichiro = create_person(
        actor=other_rep,
        data={
            "family_name": "鈴木",
            "given_name": "一郎",
            "birthday": "2000-11-04",  # 25 on TODAY, 26 the day after
            "gender": "male",
            "prefecture": "大阪府",
            "city": "大阪市北区",
            "tags": ["年賀状"],
            "lifecycle": "customer",
            "source_channel": "store",
            "custom_fields": {"member_number": "M-002", "hobby": ["華道"], "visits": 3},
        },
    )
    kenta = create_person(actor=rep, data={"family_name": "佐藤", "given_name": "健太"})
    for person, status in ((hanako, "opted_in"), (ichiro, "opted_out")):
        record_consent(
            actor=admin,
            person=person,
            channel="email",
            status=status,
            method="form",
            evidence="申込書",
        )
    tea = create_product(
        actor="test",
        data={"code": "TEA", "name": "煎茶", "unit_price": 1000, "category": " お茶 "},
    )
    cup = create_product(
        actor="test",
        data={"code": "CUP", "name": "湯呑み", "unit_price": 3000, "category": "茶器"},
    )

    def order(number, person, day, product, quantity=1):
        return record_order(
            actor=admin,
            number=number,
            ordered_at=day,
            person=person,
            lines=[{"product_id": product.pk, "quantity": quantity}],
        )[0]

    order("A1", hanako, dt.date(2026, 6, 1), tea)  # 1,100 incl. 10 %
    order("A2", hanako, dt.date(2026, 10, 24), cup)  # 3,300; 10 days before TODAY
    order("B1", ichiro, dt.date(2025, 1, 5), cup)
    cancelled = order("B2", ichiro, dt.date(2026, 10, 30), tea, 5)
    record_return(actor=admin, order=cancelled, kind="cancellation")
    log_touch(
        actor=rep,
        data={
            "summary": "来店",
            "kind": "visit",
            "occurred_at": timezone.make_aware(dt.datetime(2026, 10, 31, 15)),
        },
        person=hanako,
    )
    log_touch(
        actor=other_rep,
        data={
            "summary": "電話",
            "kind": "call",
            "occurred_at": timezone.make_aware(dt.datetime(2026, 3, 1, 10)),
        },
        person=ichiro,
    )
    pipeline = create_pipeline(
        actor="test",
        name="外商",
        stages=[
            {"name": "提案", "probability": 30},
            {"name": "受注", "kind": "won"},
            {"name": "失注", "kind": "lost"},
        ],
    )
    deal = create_deal(
        actor=rep,
        data={
            "title": "茶器一式",
            "person_id": hanako.pk,
            "pipeline_id": pipeline.pk,
            "amount": 50000,
            "expected_close": dt.date(2026, 12, 20),
        },
    )
    Deal.objects.filter(pk=deal.pk).update(stalled_at=timezone.now())  # as the stall job marks it
    return {
        "hanako": hanako,
        "ichiro": ichiro,
        "kenta": kenta,
        "tea": tea,
        "cup": cup,
        "stage": pipeline.stages.order_by("position").first(),
    }
