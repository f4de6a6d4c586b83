"""Search pages backwards (a list's previous page) and narrowed while it walks (a list
searched and filtered at once)."""

import pytest

from daifuku.core import search

pytestmark = pytest.mark.django_db

READINGS = ["アイ", "イイ", "ウイ", "エイ", "オイ", "カイ", "キイ"]


@pytest.fixture
def documents():
    for index, kana in enumerate(READINGS, start=1):
        search.index_document(1, index, [f"井{index}", kana], kana)


def test_before_gives_the_nearest_hits_in_order(documents):
    every = search.search("井", limit=10)
    assert [hit.entity_id for hit in every] == [1, 2, 3, 4, 5, 6, 7]
    before = search.search("井", before=every[5].cursor, limit=3)
    assert [hit.entity_id for hit in before] == [3, 4, 5]
    assert search.search("井", before=every[0].cursor, limit=3) == []


def test_before_on_a_reading_prefix(documents):
    search.index_document(1, 8, ["伊藤"], "イトウ")
    search.index_document(1, 9, ["飯田"], "イイダ")
    every = search.search("い", limit=10)
    assert [hit.entity_id for hit in every] == [2, 9, 8]  # イイ, イイダ, イトウ
    assert [hit.entity_id for hit in search.search("い", before=every[2].cursor, limit=1)] == [9]


@pytest.mark.parametrize("query", ["井", "イイ", "い"])
def test_within_narrows_the_walk(documents, query):
    search.index_document(1, 9, ["飯井", "イイダ"], "イイダ")
    odd = ("{entity_id} IN (SELECT 1 UNION SELECT 3 UNION SELECT 9)", [])
    found = [hit.entity_id for hit in search.search(query, within=odd, limit=10)]
    everything = [hit.entity_id for hit in search.search(query, limit=10)]
    assert found == [entity for entity in everything if entity in (1, 3, 9)] and found
    by_parameter = ("{entity_id} = %s", [9])
    assert [hit.entity_id for hit in search.search(query, within=by_parameter, limit=10)] == [9]


@pytest.mark.parametrize("query", ["井", "イイ", "い", "井3", "鬱"])
def test_among_a_few_finds_what_the_walk_finds(documents, query):
    """Reading a few entities' documents finds exactly the walk's hits among them."""
    search.index_document(1, 9, ["飯井", "イイダ"], "イイダ")
    few = [1, 2, 3, 9]
    walked = [hit for hit in search.search(query, limit=10) if hit.entity_id in few]
    assert search.search(query, among=few, limit=10) == walked
    assert (
        search.search(query, among=few, limit=1, after=walked[0].cursor) == walked[1:2]
        if walked
        else True
    )
    assert search.search(query, among=[], limit=10) == []
