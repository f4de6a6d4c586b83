"""Issue 20's contract for segments, posted as an integrator would: every listed field
with every listed operator (``eq``, ``ne``, ``in``, ``gte``, ``lte``, ``contains``) is
either a segment (201, counted) or a 422 ``invalid_operator`` where the comparison means
nothing for that field (「メール配信同意が東京以上」) — never a server error; and
``/count`` and ``/members`` (cursor pages of ``{type, id}``) for people and for the key
persons' companies."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

OPS = ("eq", "ne", "in", "gte", "lte", "contains")
# the value each field takes (a list for "in"); tag is put in by id below
VALUES = {
    "age": 40,
    "prefecture": "東京都",
    "tag": "VIP",
    "rank": "シルバー",
    "order_count": 2,
    "days_since_last_order": 30,
    "consent_email": "opted_in",
    "lifecycle": "customer",
}
# the comparisons that mean nothing for a field: refused with invalid_operator
MEANINGLESS = {
    "age": {"contains"},
    "prefecture": {"gte", "lte"},
    "tag": {"gte", "lte"},
    "rank": {"contains"},
    "order_count": {"contains"},
    "days_since_last_order": {"contains"},
    "consent_email": {"gte", "lte", "contains"},
    "lifecycle": {"gte", "lte", "contains"},
}
TEXT_FOR_CONTAINS = {"prefecture": "東京", "tag": "VI"}


@pytest.fixture
def ranked(ledger):
    from daifuku.analytics.services.metrics import rebuild

    rebuild()  # ranks, as the nightly rebuild sets them
    return ledger


@pytest.mark.parametrize("field", list(VALUES))
def test_every_listed_field_takes_the_listed_operators(admin_api, ranked, field):
    from daifuku.customers.models import Tag

    value = VALUES[field]
    if field == "tag":
        value = Tag.objects.get(name="VIP").pk
    for op in OPS:
        if op == "in":
            sent = [value]
        elif op == "contains":
            sent = TEXT_FOR_CONTAINS.get(field, value)
        else:
            sent = value
        rules = {"all": [{"field": field, "op": op, "value": sent}]}
        response = admin_api.post("/api/v1/segments", {"name": f"{field} {op}", "rules": rules})
        if op in MEANINGLESS[field]:
            assert response.status_code == 422, (field, op, response.json())
            assert response.json()["code"] == "invalid_operator"
            assert "rules.all.0.op" in response.json()["errors"]
            continue
        assert response.status_code == 201, (field, op, response.json())
        segment_id = response.json()["id"]
        count = admin_api.get(f"/api/v1/segments/{segment_id}/count")
        assert count.status_code == 200 and isinstance(count.json()["count"], int)
        members = admin_api.get(f"/api/v1/segments/{segment_id}/members").json()
        assert len(members["items"]) == count.json()["count"]
        assert all(m["type"] == "person" for m in members["items"])


def test_the_fields_catalogue_offers_the_same_operators(admin_api, ranked):
    catalogue = admin_api.get("/api/v1/segments/fields").json()["items"]
    fields = {f["key"]: f for f in catalogue}
    for field, meaningless in MEANINGLESS.items():
        offered = {o["op"] for o in fields[field]["operators"]}
        assert offered >= set(OPS) - meaningless, field
        assert not offered & meaningless, field


def test_members_and_count_of_companies_through_key_persons(admin_api, admin, ledger):
    from daifuku.customers.services import add_contact, create_company

    shop = create_company(actor=admin, data={"name": "株式会社山田商店"})
    other = create_company(actor=admin, data={"name": "鈴木工業株式会社"})
    add_contact(actor=admin, company=shop, person=ledger["hanako"], data={"is_key_person": True})
    # 一郎 works at 鈴木工業 but is not its key person: the company is not reached
    add_contact(actor=admin, company=other, person=ledger["ichiro"], data={})
    segment = admin_api.post(
        "/api/v1/segments",
        {"name": "購入者", "rules": {"all": [{"field": "order_count", "op": "gte", "value": 1}]}},
    ).json()
    base = f"/api/v1/segments/{segment['id']}"
    assert admin_api.get(f"{base}/count").json() == {"count": 2}
    assert admin_api.get(f"{base}/count?type=company").json() == {"count": 1}
    assert admin_api.get(f"{base}/members?type=company").json() == {
        "items": [{"type": "company", "id": shop.pk}],
        "next_cursor": None,
    }
    wrong = admin_api.get(f"{base}/members?type=household")
    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid_type"
