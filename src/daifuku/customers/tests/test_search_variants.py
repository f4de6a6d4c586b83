"""Search folds 異体字 as 名寄せ does (one table: core.japanese_data.KANJI_VARIANTS), in the
documents and in the query; and a phone's subscriber part or last digits find its owner."""

import importlib

import pytest
from django.db import connection

from daifuku.core import search
from daifuku.core.japanese import search_key
from daifuku.core.leapfrog import DOC_TABLE
from daifuku.customers import selectors
from daifuku.customers.dedup.scoring import name_key
from daifuku.customers.search_index import PERSON
from daifuku.customers.tests import factories

pytestmark = pytest.mark.django_db


def _names(query, user):
    return sorted(result.display_name for result in selectors.search_customers(user, query)[0])


@pytest.fixture
def variants(rep):
    names = ["高橋", "髙橋", "斎藤", "齋藤", "斉藤", "齊藤", "渡辺", "渡邊", "渡邉", "山崎", "山﨑"]
    return {
        name: factories.person(
            rep, family_name=name, given_name="一", family_kana="", given_kana=""
        )
        for name in names
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("高橋", ["高橋", "髙橋"]),
        ("髙橋", ["高橋", "髙橋"]),
        ("斎藤", ["斉藤", "斎藤", "齊藤", "齋藤"]),
        ("齋藤", ["斉藤", "斎藤", "齊藤", "齋藤"]),
        ("斉藤", ["斉藤", "斎藤", "齊藤", "齋藤"]),
        ("渡辺", ["渡辺", "渡邉", "渡邊"]),
        ("渡邉", ["渡辺", "渡邉", "渡邊"]),
        ("山崎", ["山崎", "山﨑"]),
        ("髙", ["高橋", "髙橋"]),  # one kanji: its unigram, folded too
    ],
)
def test_a_variant_finds_every_spelling(variants, rep, query, found):
    assert _names(query, rep) == sorted(f"{name} 一 様" for name in found)


def test_search_and_dedup_fold_alike():
    for a, b in [("髙橋", "高橋"), ("齋藤", "斉藤"), ("渡邊", "渡辺")]:
        assert search_key(a) == search_key(b)
        assert name_key(a, "") == name_key(b, "")


def test_documents_indexed_before_the_folding_are_indexed_again(variants, rep):
    """What 0008 does: documents written with the old forms (as before the folding) get
    the folded text, found through their own postings; others are not touched."""
    takahashi = variants["髙橋"]
    search.remove_document(PERSON, takahashi.pk)
    with connection.cursor() as cursor:  # the document as the old code wrote it
        fields = ["髙橋一"]
        cursor.execute(
            f"INSERT INTO {DOC_TABLE} (entity_type, entity_id, text, sort_key) VALUES (%s, %s, %s, %s) "
            "RETURNING id",
            [PERSON, takahashi.pk, fields[0], search.pack_sort_key("")],
        )
        document_id = cursor.fetchone()[0]
        cursor.executemany(
            f"INSERT INTO {search.GRAM_TABLE} (gram, sort_key, document_id) VALUES (%s, %s, %s)",
            [
                (gram, search.pack_sort_key(""), document_id)
                for gram in search.document_grams(fields)
            ],
        )
    assert "髙橋 一 様" not in _names("高橋", rep)
    migration = importlib.import_module(
        "daifuku.customers.migrations.0008_search_folds_kanji_variants"
    )
    migration.reindex(None, None)
    assert _names("高橋", rep) == ["高橋 一 様", "髙橋 一 様"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT text FROM {DOC_TABLE} WHERE entity_type = %s AND entity_id = %s",
            [PERSON, takahashi.pk],
        )
        assert cursor.fetchone()[0] == "高橋一"


@pytest.fixture
def phones(rep):
    return {
        "mobile": factories.person(
            rep, family_name="携帯", family_kana="ケイタイ", phone="090-1234-5678"
        ),
        "landline": factories.person(
            rep, family_name="固定", family_kana="コテイ", phone="03-3456-7890"
        ),
        "other": factories.person(
            rep, family_name="別人", family_kana="ベツジン", phone="090-5678-1234"
        ),
    }


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("1234-5678", ["mobile"]),  # the subscriber part, as people say it
        ("12345678", ["mobile"]),
        ("１２３４－５６７８", ["mobile"]),
        ("5678", ["mobile"]),  # 下4桁
        ("3456-7890", ["landline"]),
        ("7890", ["landline"]),
        ("090-5678", ["other"]),  # the start of a number still finds it
        ("090-1234-5678", ["mobile"]),
    ],
)
def test_the_subscriber_part_and_the_last_digits_find_the_number(phones, rep, query, who):
    found = [result.id for result in selectors.search_customers(rep, query)[0]]
    assert found == [phones[name].pk for name in who]
