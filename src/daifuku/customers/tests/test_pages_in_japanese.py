"""The customer pages say everything in Japanese: no action codes (create), no stored
forms (1000001, 2026-12-05T07:48:36+00:00, #107) in the history, the timeline and the
duplicate comparison."""

import re

import pytest
from django.urls import reverse

from daifuku.core import audit
from daifuku.customers import services
from daifuku.customers.dedup.services.candidates import scan
from daifuku.customers.models import DuplicateGroup
from daifuku.customers.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


def _text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_history_says_what_happened_in_japanese(rep_client, rep):
    person = factories.person(rep, postal_code="100-0001")
    services.update_person(actor=rep, person=person, data={"lifecycle": "customer"})
    # an entry of another area about the person, with a date-time value as stored (UTC, ISO)
    audit.record(
        actor=rep,
        action="update",
        obj=person,
        changes={"created_at": [None, "2026-12-05T07:48:36.732670+00:00"]},
    )
    audit.record(
        actor=rep,
        action="seed",
        object_type="customers.person",
        object_id=person.pk,
        object_repr="seed: 300 people, 40 companies",
        changes={"people": 300, "companies": 40},
    )
    text = _text(rep_client.get(reverse("customers:person-history", args=[person.pk])))
    assert (
        "作成" in text
        and "変更" in text
        and "一括登録" in text
        and "個人 300 件・企業 40 件" in text
    )
    assert "郵便番号: 100-0001" in text and "1000001" not in text
    assert (
        "T07:48" not in text and "2026-12-05T" not in text
    )  # an unlabelled stamp is not shown at all
    for word in ("create", "update", "seed", "people"):
        assert not re.search(rf"\b{word}\b", text), word


def test_the_timeline_too(rep_client, rep):
    person = factories.person(rep, postal_code="100-0001")
    text = _text(rep_client.get(reverse("customers:person", args=[person.pk])))
    assert "郵便番号: 100-0001" in text and "1000001" not in text


def test_the_duplicate_comparison_shows_no_ids_and_formatted_codes(client, manager, rep):
    client.force_login(manager)
    for given in ("みゆき", "美幸"):
        factories.person(
            rep,
            family_name="山本",
            given_name=given,
            family_kana="ヤマモト",
            given_kana="ミユキ",
            birthday="1964-11-16",
            postal_code="3501162",
            phone="090-1111-2222",
        )
    scan(actor=manager)
    group = DuplicateGroup.objects.get()
    text = _text(client.get(reverse("customers:dedup-group", args=[group.pk])))
    assert "350-1162" in text and "3501162" not in text
    assert not re.search(r"#\d+", text) and "レコードを見る" in text
