"""``/api/v1/segments``: the contract integrators rely on (create with rules, count,
members as cursor pages of {type, id}), validation errors with stable codes, fixed
lists, and what each role may do."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

TOKYO_40 = {
    "all": [
        {"field": "prefecture", "op": "eq", "value": "東京都"},
        {"field": "age", "op": "gte", "value": 40},
    ]
}


def test_create_count_and_members(admin_api, ledger):
    response = admin_api.post("/api/v1/segments", {"name": "東京の40代以上", "rules": TOKYO_40})
    assert response.status_code == 201, response.json()
    segment = response.json()
    assert segment["kind"] == "dynamic" and segment["rules"] == TOKYO_40
    assert admin_api.get(f"/api/v1/segments/{segment['id']}/count").json() == {"count": 1}
    members = admin_api.get(f"/api/v1/segments/{segment['id']}/members").json()
    assert members == {
        "items": [{"type": "person", "id": ledger["hanako"].pk}],
        "next_cursor": None,
    }
    live = admin_api.post(
        "/api/v1/segments/count",
        {"rules": {"any": [{"field": "order_count", "op": "gte", "value": 1}]}},
    )
    assert live.json() == {"count": 2}


def test_members_page_through_with_cursors(admin_api, ledger):
    segment = admin_api.post("/api/v1/segments", {"name": "全員", "rules": {"all": []}}).json()
    first = admin_api.get(f"/api/v1/segments/{segment['id']}/members?limit=2").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = admin_api.get(
        f"/api/v1/segments/{segment['id']}/members?limit=2&cursor={first['next_cursor']}"
    ).json()
    ids = [m["id"] for m in first["items"] + rest["items"]]
    assert ids == sorted(p.pk for p in (ledger["hanako"], ledger["ichiro"], ledger["kenta"]))
    assert admin_api.get(f"/api/v1/segments/{segment['id']}/members?limit=0").status_code == 422


@pytest.mark.parametrize(
    "rules, code, path",
    [
        (
            {"all": [{"field": "shoe_size", "op": "eq", "value": 1}]},
            "unknown_field",
            "rules.all.0.field",
        ),
        (
            {"all": [{"field": "age", "op": "contains", "value": 1}]},
            "invalid_operator",
            "rules.all.0.op",
        ),
        (
            {"all": [{"field": "age", "op": "gte", "value": "forty"}]},
            "invalid_value",
            "rules.all.0.value",
        ),
        (
            {"all": [{"field": "age", "op": "gte", "value": 400}]},
            "invalid_value",
            "rules.all.0.value",
        ),
        (
            {"all": [{"field": "prefecture", "op": "eq", "value": "東京"}]},
            "invalid_value",
            "rules.all.0.value",
        ),
        (
            {"all": [{"field": "prefecture", "op": "in", "value": []}]},
            "invalid_value",
            "rules.all.0.value",
        ),
        (
            {"all": [{"field": "age", "op": "gte", "value": 1, "period_days": 30}]},
            "invalid_value",
            "rules.all.0.period_days",
        ),
        (
            {"all": [{"field": "order_count", "op": "gte", "value": 1, "period_days": 0}]},
            "invalid_value",
            "rules.all.0.period_days",
        ),
        ({"every": []}, "invalid_group", "rules"),
        (
            {"all": [{"any": [{"field": "age", "op": "gte", "value": True}]}]},
            "invalid_value",
            "rules.all.0.any.0.value",
        ),
        (
            {"all": [{"all": [{"all": [{"all": [{"all": [{"all": []}]}]}]}]}]},
            "rules_too_large",
            "rules.all.0.all.0.all.0.all.0.all.0",
        ),
    ],
)
def test_bad_rules_are_422_with_a_stable_code_and_the_path(admin_api, rules, code, path):
    for response in (
        admin_api.post("/api/v1/segments", {"name": "x", "rules": rules}),
        admin_api.post("/api/v1/segments/count", {"rules": rules}),
    ):
        assert response.status_code == 422, response.json()
        body = response.json()
        assert body["code"] == code
        assert path in body["errors"], body["errors"]


def test_every_problem_is_reported_at_once(admin_api):
    rules = {
        "all": [
            {"field": "nope", "op": "eq", "value": 1},
            {"field": "age", "op": "gte", "value": -1},
        ]
    }
    body = admin_api.post("/api/v1/segments/count", {"rules": rules}).json()
    assert body["code"] == "unknown_field"
    assert set(body["errors"]) == {"rules.all.0.field", "rules.all.1.value"}


def test_segments_may_not_contain_themselves(admin_api):
    a = admin_api.post("/api/v1/segments", {"name": "A", "rules": {"all": []}}).json()
    b = admin_api.post(
        "/api/v1/segments",
        {"name": "B", "rules": {"all": [{"field": "segment", "op": "eq", "value": a["id"]}]}},
    ).json()
    response = admin_api.patch(
        f"/api/v1/segments/{a['id']}",
        {"rules": {"all": [{"field": "segment", "op": "eq", "value": b["id"]}]}},
    )
    assert response.status_code == 422 and response.json()["code"] == "segment_cycle"
    # a segment another one uses is not deleted from under it
    assert admin_api.delete(f"/api/v1/segments/{a['id']}").json()["code"] == "segment_in_use"
    assert admin_api.delete(f"/api/v1/segments/{b['id']}").status_code == 204
    assert admin_api.delete(f"/api/v1/segments/{a['id']}").status_code == 204


def test_duplicate_name_and_version_conflict(admin_api):
    first = admin_api.post("/api/v1/segments", {"name": "VIP", "rules": {"all": []}}).json()
    again = admin_api.post("/api/v1/segments", {"name": "VIP", "rules": {"all": []}})
    assert again.status_code == 422 and again.json()["code"] == "duplicate_name"
    stale = admin_api.patch(
        f"/api/v1/segments/{first['id']}", {"name": "VIP2"}, HTTP_IF_MATCH='"7"'
    )
    assert stale.status_code == 412
    fresh = admin_api.patch(
        f"/api/v1/segments/{first['id']}", {"name": "VIP2"}, HTTP_IF_MATCH=f'"{first["version"]}"'
    )
    assert fresh.status_code == 200 and fresh.json()["version"] == first["version"] + 1


def test_fixed_list_by_ids_and_by_import(admin_api, ledger):
    segment = admin_api.post("/api/v1/segments", {"name": "招待状", "kind": "static"}).json()
    path = f"/api/v1/segments/{segment['id']}/members"
    added = admin_api.post(path, {"person_ids": [ledger["kenta"].pk, 99999999]}).json()
    assert added == {"added": 1, "already": 0, "removed": 0, "not_found": ["99999999"]}
    imported = admin_api.post(
        path + "/import", {"text": "email\nHANAKO@example.jp\nM-002\nnobody@example.jp\n"}
    ).json()
    assert imported["added"] == 2 and imported["not_found"] == ["nobody@example.jp"]
    assert admin_api.get(f"/api/v1/segments/{segment['id']}/count").json() == {"count": 3}
    removed = admin_api.post(path + "/remove", {"person_ids": [ledger["kenta"].pk]}).json()
    assert removed["removed"] == 1
    assert admin_api.get(f"/api/v1/segments/{segment['id']}/count").json() == {"count": 2}
    # a rule segment has no hand-picked members
    dynamic = admin_api.post("/api/v1/segments", {"name": "動的", "rules": {"all": []}}).json()
    refused = admin_api.post(
        f"/api/v1/segments/{dynamic['id']}/members", {"person_ids": [ledger["kenta"].pk]}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "not_a_list"


def test_fields_catalogue_has_japanese_labels(admin_api, ledger):
    items = {f["key"]: f for f in admin_api.get("/api/v1/segments/fields").json()["items"]}
    assert items["age"]["label"] == "年齢"
    assert {"value": "東京都", "label": "東京都"} in items["prefecture"]["choices"]
    assert "custom.member_number" in items
    assert items["order_count"]["period"] is True


def test_who_may_change_a_segment(api_client, rep, teammate, make_user, teams, ledger):
    marketer = make_user("mk", "marketer", teams["osaka"])
    own = api_client(rep).post("/api/v1/segments", {"name": "担当分", "rules": {"all": []}})
    assert own.status_code == 201  # anyone may build a segment of their own
    pk = own.json()["id"]
    assert api_client(teammate).get(f"/api/v1/segments/{pk}").status_code == 200
    assert api_client(teammate).patch(f"/api/v1/segments/{pk}", {"name": "x"}).status_code == 404
    assert (
        api_client(marketer).patch(f"/api/v1/segments/{pk}", {"name": "担当分2"}).status_code == 200
    )
    assert api_client(rep).delete(f"/api/v1/segments/{pk}").status_code == 204


def test_counts_and_members_show_only_the_customers_the_caller_may_read(
    api_client, admin, rep, other_rep, ledger, monkeypatch
):
    """Under a ledger policy where reps read only their own team's customers (a stricter
    organisation than the default), a segment's count, members and live count follow it."""
    from daifuku.accounts import permissions
    from daifuku.accounts.permissions import owned_scope, sees_everything
    from daifuku.customers.models import Person

    def own_team_only(queryset, user, action):
        return queryset if sees_everything(user) else queryset.filter(owned_scope(user))

    monkeypatch.setitem(permissions._policies, Person, own_team_only)
    segment = (
        api_client(admin).post("/api/v1/segments", {"name": "全員", "rules": {"all": []}}).json()
    )
    everyone = {p.pk for p in (ledger["hanako"], ledger["ichiro"], ledger["kenta"])}
    for user, expected in (
        (admin, everyone),
        (rep, {ledger["hanako"].pk, ledger["kenta"].pk}),
        (other_rep, {ledger["ichiro"].pk}),
    ):
        client = api_client(user)
        assert client.get(f"/api/v1/segments/{segment['id']}/count").json() == {
            "count": len(expected)
        }
        members = client.get(f"/api/v1/segments/{segment['id']}/members").json()["items"]
        assert {m["id"] for m in members} == expected
        live = client.post("/api/v1/segments/count", {"rules": {"all": []}}).json()
        assert live == {"count": len(expected)}
    # a fixed list cannot be filled with people the caller may not read
    lst = api_client(other_rep).post("/api/v1/segments", {"name": "大阪", "kind": "static"}).json()
    added = (
        api_client(other_rep)
        .post(f"/api/v1/segments/{lst['id']}/members", {"person_ids": [ledger["hanako"].pk]})
        .json()
    )
    assert added["added"] == 0 and added["not_found"] == [str(ledger["hanako"].pk)]
