import pytest

from daifuku.core import search

pytestmark = pytest.mark.django_db(transaction=False)


def _index(entity_id, name, kana):
    search.index_document(1, entity_id, [name, kana], kana)


def test_pack_sort_key_orders_like_the_reading():
    readings = ["アオキ", "アオキ タロウ", "カトウ", "ガトウ", "サトウ ハナコ", "サトウ", "ワダ", ""]
    assert sorted(readings, key=search.pack_sort_key) == ["アオキ", "アオキ タロウ", "カトウ", "ガトウ", "サトウ", "サトウ ハナコ", "ワダ", ""]


def test_one_two_and_longer_queries_and_no_hits():
    _index(1, "田中太郎", "タナカタロウ")
    _index(2, "中田花子", "ナカタハナコ")
    _index(3, "山田一郎", "ヤマダイチロウ")
    ids = lambda q: [h.entity_id for h in search.search(q)]  # noqa: E731
    assert ids("田") == [1, 2, 3]  # 五十音順: タナカ, ナカタ, ヤマダ
    assert ids("田中") == [1]
    assert ids("中田花") == [2]
    assert ids("田中花") == []  # bigrams 田中 and 中花 both exist, the phrase does not
    assert ids("鬱鬱") == []
    assert ids("ﾀﾅｶ") == [1]
    assert ids("たなか　たろう") == [1]


def test_replace_and_remove_keep_postings_exact():
    from django.db import connection

    _index(1, "田中太郎", "タナカタロウ")
    _index(1, "佐藤太郎", "サトウタロウ")
    assert [h.entity_id for h in search.search("田中")] == []
    assert [h.entity_id for h in search.search("佐藤")] == [1]
    search.remove_document(1, 1)
    assert search.search("太郎") == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM core_searchgram")
        assert cursor.fetchone()[0] == 0


def test_cursor_continues_in_order():
    for index, kana in enumerate(["アイ", "イイ", "ウイ", "エイ", "オイ"], start=1):
        _index(index, f"井{index}", kana)
    first = search.search("井", limit=2)
    second = search.search("井", limit=2, after=first[-1].cursor)
    third = search.search("井", limit=2, after=second[-1].cursor)
    assert [h.entity_id for h in first + second + third] == [1, 2, 3, 4, 5]


def test_bulk_index_matches_single_index():
    search.bulk_index(2, [(10, ["山田製作所", "ヤマダセイサクショ"], "ヤマダセイサクショ"), (11, ["東洋商事", "トウヨウショウジ"], "トウヨウショウジ")])
    assert [(h.entity_type, h.entity_id) for h in search.search("製作")] == [(2, 10)]
    assert [h.entity_id for h in search.search("ショウジ", entity_types=[2])] == [11]
    assert search.search("ショウジ", entity_types=[1]) == []
