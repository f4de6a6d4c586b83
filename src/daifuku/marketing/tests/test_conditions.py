"""Every registered condition against the small ledger of conftest.py: which of 山田
花子, 鈴木 一郎 and 佐藤 健太 each rule selects, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def members(rules, context) -> set[str]:
    from daifuku.customers.models import Person
    from daifuku.marketing.conditions import compile_tree, parse

    q = compile_tree(parse(rules), context)
    return set(Person.objects.filter(q).values_list("given_name", flat=True))


def one(field, op, value=None, **extra):
    return {"all": [{"field": field, "op": op, "value": value, **extra}]}


ALL = {"花子", "一郎", "健太"}

CASES = [
    # attributes: age on 2026-11-03 — 花子 46, 一郎 25 (26 tomorrow), 健太 unknown
    (one("age", "gte", 46), {"花子"}),
    (one("age", "gte", 47), set()),
    (one("age", "lte", 25), {"一郎"}),
    (one("age", "eq", 25), {"一郎"}),
    (one("age", "ne", 25), {"花子", "健太"}),  # "not 25" includes the unknown age
    (one("age", "not_set"), {"健太"}),
    (one("age", "in", [25, "46"]), {"花子", "一郎"}),  # a number's list: each "is", OR
    (one("age", "not_in", [25]), {"花子", "健太"}),
    (one("age_band", "eq", "40s"), {"花子"}),
    (one("age_band", "in", ["20s", "40s"]), {"花子", "一郎"}),
    (one("age_band", "not_in", ["20s"]), {"花子", "健太"}),
    (one("birthday_month", "eq", 5), {"花子"}),
    (one("birthday_month", "in", ["5", "11"]), {"花子", "一郎"}),
    (one("gender", "eq", "female"), {"花子"}),
    (one("gender", "not_set"), {"健太"}),
    (one("prefecture", "in", ["東京都", "大阪府"]), {"花子", "一郎"}),
    (one("prefecture", "ne", "東京都"), {"一郎", "健太"}),
    (one("prefecture", "contains", "東京"), {"花子"}),
    (one("tag", "contains", "vi"), {"花子"}),  # part of a tag's name, any case
    (one("city", "contains", "大阪"), {"一郎"}),
    (one("city", "eq", "渋谷区"), {"花子"}),
    (one("lifecycle", "in", ["repeat", "customer"]), {"花子", "一郎"}),
    (one("relationship_stage", "eq", "collaborative"), {"花子"}),
    (one("relationship_stage", "eq", "exploratory"), {"一郎", "健太"}),
    (one("source", "eq", "store"), {"一郎"}),
    (one("source", "is_set"), {"花子", "一郎"}),
    # consent per channel (no record = "unknown")
    (one("consent_email", "eq", "opted_in"), {"花子"}),
    (one("consent_email", "eq", "unknown"), {"健太"}),
    (one("consent_email", "ne", "opted_in"), {"一郎", "健太"}),
    (one("consent_postal", "eq", "unknown"), ALL),
    # purchases, net of the cancelled order B2 (一郎's second order does not count)
    (one("order_count", "gte", 2), {"花子"}),
    (one("order_count", "eq", 1), {"一郎"}),
    (one("order_count", "eq", 0), {"健太"}),
    (one("order_count", "lte", 1), {"一郎", "健太"}),
    (one("order_count", "ne", 1), {"花子", "健太"}),
    (one("order_count", "in", [0, 2]), {"花子", "健太"}),
    (one("days_since_last_order", "in", [10, 11]), {"花子"}),
    (one("order_count", "gte", 1, period_days=30), {"花子"}),
    (one("order_total", "gte", 4400), {"花子"}),
    (one("order_total", "gte", 3300), {"花子", "一郎"}),
    (one("order_total", "lte", 1000), {"健太"}),
    (one("order_total", "gte", 3300, period_days=30), {"花子"}),
    (one("days_since_last_order", "lte", 10), {"花子"}),
    (one("days_since_last_order", "eq", 10), {"花子"}),
    (one("days_since_last_order", "lte", 9), set()),
    (one("days_since_last_order", "gte", 11), {"一郎"}),
    (one("days_since_last_order", "not_set"), {"健太"}),
    (one("buyer_status", "eq", "repeat"), {"花子"}),
    (one("buyer_status", "in", ["first", "never"]), {"一郎", "健太"}),
    (one("bought_product", "in", ["tea"]), {"花子"}),  # 一郎's tea was cancelled
    (one("bought_product", "eq", "cup", period_days=30), {"花子"}),
    (one("bought_product", "not_in", ["cup"]), {"健太"}),
    # product categories (煎茶: お茶, 湯呑み: 茶器); 一郎's お茶 was cancelled
    (one("bought_category", "eq", "お茶"), {"花子"}),
    (one("bought_category", "eq", "茶器"), {"花子", "一郎"}),
    (one("bought_category", "in", ["茶器"], period_days=30), {"花子"}),
    (one("bought_category", "not_in", ["茶器"]), {"健太"}),
    (one("category_orders.茶器", "gte", 1), {"花子", "一郎"}),
    (one("category_orders.茶器", "gte", 1, period_days=30), {"花子"}),
    (one("category_orders.お茶", "eq", 0), {"一郎", "健太"}),
    (one("category_amount.お茶", "gte", 1000), {"花子"}),
    (one("category_amount.お茶", "lte", 500), {"一郎", "健太"}),
    (one("category_amount.茶器", "gte", 3000, period_days=365), {"花子"}),
    # touches
    (one("days_since_last_touch", "lte", 7), {"花子"}),
    (one("days_since_last_touch", "gte", 30), {"一郎"}),
    (one("days_since_last_touch", "not_set"), {"健太"}),
    (one("touch_kind", "eq", "call"), {"一郎"}),
    (one("touch_kind", "eq", "call", period_days=90), set()),
    (one("touch_kind", "not_in", ["visit"]), {"一郎", "健太"}),
    # deals
    (one("deal_stage", "eq", "stage"), {"花子"}),
    (one("deal_stalled", "eq", "yes"), {"花子"}),
    (one("deal_stalled", "eq", "no"), {"一郎", "健太"}),
    # custom fields
    (one("custom.member_number", "eq", "M-002"), {"一郎"}),
    (one("custom.member_number", "not_set"), {"健太"}),
    (one("custom.hobby", "contains", "書道"), {"花子"}),
    (one("custom.visits", "gte", 10), {"花子"}),
    (one("custom.visits", "lte", 10), {"一郎"}),
    # groups
    ({"all": []}, ALL),
    ({"any": []}, set()),
    (
        {
            "any": [
                one("prefecture", "eq", "大阪府"),
                {
                    "all": [
                        {"field": "age", "op": "gte", "value": 40},
                        {"field": "tag", "op": "eq", "value": "VIP"},
                    ]
                },
            ]
        },
        {"花子", "一郎"},
    ),
    (
        {
            "all": [
                {"field": "tag", "op": "eq", "value": "年賀状"},
                {
                    "any": [
                        {"field": "order_count", "op": "gte", "value": 2},
                        {"field": "gender", "op": "eq", "value": "male"},
                    ]
                },
            ]
        },
        {"花子", "一郎"},
    ),
]


def _resolve(rules, ledger):
    """Put the ledger's ids where the cases name records ("tea", "stage", tags by name)."""
    from daifuku.customers.models import Tag

    def fix(node):
        if isinstance(node, list):
            return [fix(n) for n in node]
        if isinstance(node, dict):
            node = {k: fix(v) for k, v in node.items()}
            if node.get("field") == "tag" and node.get("op") != "contains":
                node["value"] = Tag.objects.get(name=node["value"]).pk
            return node
        if node in ("tea", "cup", "stage"):
            return ledger[node].pk
        return node

    return fix(rules)


@pytest.mark.parametrize("rules, expected", CASES, ids=[str(i) for i in range(len(CASES))])
def test_each_condition_selects_its_people(rules, expected, ledger, context):
    assert members(_resolve(rules, ledger), context) == expected


@pytest.mark.parametrize("rules, expected", CASES, ids=[str(i) for i in range(len(CASES))])
def test_one_person_narrowed_query_agrees_with_the_count(rules, expected, ledger, context):
    """The event path asks per person with every subquery narrowed to that person
    (services.evaluate): it must select exactly whom the set-based compile selects."""
    from daifuku.marketing.models import Segment
    from daifuku.marketing.services.evaluate import segments_holding

    segment = Segment.objects.create(name="narrowed", rules=_resolve(rules, ledger))
    found = {
        ledger[key].given_name
        for key in ("hanako", "ichiro", "kenta")
        if segment.pk in segments_holding(ledger[key].pk, [segment], context)
    }
    assert found == expected


def test_every_registered_field_is_exercised():
    from daifuku.marketing import conditions

    used = set()

    def walk(node):
        if isinstance(node, dict):
            if "field" in node:
                used.add(node["field"].split(".")[0])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    from .test_conditions_insight import CASES as INSIGHT_CASES

    for rules, _expected in CASES + INSIGHT_CASES:
        walk(rules)
    registered = {f.key for f in conditions.fields()} | {"custom"}
    assert registered - used <= {"owner", "team", "segment", "consent_phone", "consent_line"}


def test_owner_team_and_segment_membership(ledger, context, rep, teams, admin):
    from daifuku.marketing.services import add_members, create_segment

    assert members(one("owner", "eq", rep.pk), context) == {"花子", "健太"}
    assert members(one("team", "ne", teams["tokyo"].pk), context) == {"一郎"}
    vip = create_segment(actor=admin, data={"name": "VIP", "rules": one("age", "gte", 40)})
    invited = create_segment(actor=admin, data={"name": "招待", "kind": "static"})
    add_members(actor=admin, segment=invited, person_ids=[ledger["kenta"].pk])
    assert members(one("segment", "eq", vip.pk), context) == {"花子"}
    assert members(one("segment", "in", [vip.pk, invited.pk]), context) == {"花子", "健太"}
    assert members(one("segment", "ne", invited.pk), context) == {"花子", "一郎"}
