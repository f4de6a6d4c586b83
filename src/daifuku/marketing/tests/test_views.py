"""The segment screens without a browser: building, the live count, a segment's page,
fixed lists by selection and import, the customer list and export narrowed to a
segment, and who may open what."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TOKYO = {"all": [{"field": "prefecture", "op": "eq", "value": "東京都"}]}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def marketer(make_user, teams):
    return make_user("marketer", "marketer", teams["osaka"])


def test_build_and_open_a_segment(marketer, ledger):
    client = client_for(marketer)
    assert client.get("/marketing/").status_code == 200
    page = client.get("/marketing/segments/new/")
    assert page.status_code == 200 and "fields-data" in page.content.decode()
    response = client.post(
        "/marketing/segments/new/",
        {"name": "東京のお客様", "kind": "dynamic", "rules": json.dumps(TOKYO)},
    )
    assert response.status_code == 302
    detail = client.get(response["Location"])
    text = detail.content.decode()
    assert 'data-count="1"' in text and "山田" in text and "鈴木" not in text
    assert "都道府県が東京都" in text


def test_bad_rules_stay_on_the_builder_with_the_message(marketer, ledger):
    client = client_for(marketer)
    bad = {"all": [{"field": "age", "op": "gte", "value": 999}]}
    response = client.post(
        "/marketing/segments/new/", {"name": "x", "kind": "dynamic", "rules": json.dumps(bad)}
    )
    assert response.status_code == 200
    assert "0〜150 の整数を入力してください。" in response.content.decode()
    response = client.post(
        "/marketing/segments/new/", {"name": "x", "kind": "dynamic", "rules": "{not json"}
    )
    assert response.status_code == 200 and "条件を読み取れませんでした" in response.content.decode()


def test_live_count_says_how_many_or_what_is_wrong(marketer, ledger):
    client = client_for(marketer)
    count = client.post("/marketing/segments/count/", {"rules": json.dumps(TOKYO)})
    assert 'data-count="1"' in count.content.decode()
    wrong = {"all": [TOKYO, {"field": "nope", "op": "eq", "value": 1}]}
    problems = client.post("/marketing/segments/count/", {"rules": json.dumps(wrong)})
    assert "条件 2: この条件は存在しません。" in problems.content.decode()


def test_only_owner_marketers_and_managers_edit(rep, teammate, marketer, ledger):
    from daifuku.marketing.services import create_segment

    segment = create_segment(actor=rep, data={"name": "担当分", "rules": TOKYO})
    assert client_for(teammate).get(f"/marketing/segments/{segment.pk}/").status_code == 200
    assert client_for(teammate).get(f"/marketing/segments/{segment.pk}/edit/").status_code == 404
    assert client_for(marketer).get(f"/marketing/segments/{segment.pk}/edit/").status_code == 200
    assert client_for(teammate).post(f"/marketing/segments/{segment.pk}/delete/").status_code == 404
    response = client_for(rep).post(f"/marketing/segments/{segment.pk}/delete/")
    assert response.status_code == 302


def test_fixed_list_by_selection_import_and_removal(marketer, ledger):
    from daifuku.marketing.services import create_segment

    segment = create_segment(actor=marketer, data={"name": "招待", "kind": "static"})
    client = client_for(marketer)
    picked = client.get(f"/marketing/segments/{segment.pk}/members/pick/", {"q": "山田"})
    assert f'value="{ledger["hanako"].pk}"' in picked.content.decode()
    client.post(f"/marketing/segments/{segment.pk}/members/add/", {"person": [ledger["hanako"].pk]})
    client.post(f"/marketing/segments/{segment.pk}/members/import/", {"text": "M-002\nzzz"})
    page = client.get(f"/marketing/segments/{segment.pk}/").content.decode()
    assert 'data-count="2"' in page and "1 件は見つかりませんでした: zzz" in page
    client.post(
        f"/marketing/segments/{segment.pk}/members/remove/", {"person": [ledger["ichiro"].pk]}
    )
    assert 'data-count="1"' in client.get(f"/marketing/segments/{segment.pk}/").content.decode()


def test_customer_list_and_export_narrowed_to_a_segment(marketer, ledger):
    from daifuku.marketing.services import create_segment

    segment = create_segment(actor=marketer, data={"name": "東京", "rules": TOKYO})
    client = client_for(marketer)
    listed = client.get("/customers/", {"segment": segment.pk}).content.decode()
    assert "セグメント: 東京" in listed and "山田" in listed and "鈴木" not in listed
    searched = client.get("/customers/", {"segment": segment.pk, "q": "鈴木"}).content.decode()
    assert "鈴木 一郎" not in searched
    export = client.get("/imports/export/", {"segment": segment.pk, "format": "csv_bom"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "山田" in body and "鈴木" not in body and "佐藤" not in body


def test_segment_page_query_budget(marketer, ledger, django_assert_max_num_queries):
    from daifuku.marketing.services import create_segment

    segment = create_segment(actor=marketer, data={"name": "東京", "rules": TOKYO})
    client = client_for(marketer)
    client.get(f"/marketing/segments/{segment.pk}/")
    with django_assert_max_num_queries(14):
        assert client.get(f"/marketing/segments/{segment.pk}/").status_code == 200


def test_hostile_input_is_refused_not_a_server_error(marketer, ledger):
    from daifuku.marketing.services import create_segment

    client = client_for(marketer)
    deep = "[" * 5000 + "]" * 5000
    for rules in (deep, json.dumps({"all": [{"field": "city", "op": "eq", "value": "a\x00b"}]})):
        response = client.post("/marketing/segments/count/", {"rules": rules})
        assert response.status_code == 200 and "data-count-problems" in response.content.decode()
    segment = create_segment(actor=marketer, data={"name": "東京", "rules": TOKYO})
    response = client.post(
        f"/marketing/segments/{segment.pk}/edit/",
        {"name": "東京2", "rules": json.dumps(TOKYO), "version": "abc"},
    )
    assert response.status_code == 302


def test_choose_people_on_the_customer_list(marketer, rep, ledger):
    from daifuku.marketing.services import create_segment

    segment = create_segment(actor=marketer, data={"name": "招待", "kind": "static"})
    client = client_for(marketer)
    listed = client.get("/customers/", {"add_to": segment.pk, "prefecture": "東京都"})
    text = listed.content.decode()
    assert f'action="/marketing/segments/{segment.pk}/members/add/"' in text
    assert f'name="person" value="{ledger["hanako"].pk}"' in text
    assert "選んだ顧客を「招待」に追加" in text
    client.post(f"/marketing/segments/{segment.pk}/members/add/", {"person": [ledger["hanako"].pk]})
    assert 'data-count="1"' in client.get(f"/marketing/segments/{segment.pk}/").content.decode()
    # someone who may not change the list gets no checkboxes
    plain = client_for(rep).get("/customers/", {"add_to": segment.pk}).content.decode()
    assert 'name="person"' not in plain
