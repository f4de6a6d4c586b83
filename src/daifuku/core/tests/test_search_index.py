import pytest

from daifuku.core import leapfrog, search
from daifuku.core.japanese import search_key

pytestmark = pytest.mark.django_db(transaction=False)


def _index(entity_id, name, kana):
    search.index_document(1, entity_id, [name, kana], kana)


def test_pack_sort_key_orders_like_the_reading():
    readings = [
        "アオキ",
        "アオキ タロウ",
        "カトウ",
        "ガトウ",
        "サトウ ハナコ",
        "サトウ",
        "ワダ",
        "",
    ]
    assert sorted(readings, key=search.pack_sort_key) == [
        "アオキ",
        "アオキ タロウ",
        "カトウ",
        "ガトウ",
        "サトウ",
        "サトウ ハナコ",
        "ワダ",
        "",
    ]


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
    search.bulk_index(
        2,
        [
            (10, ["山田製作所", "ヤマダセイサクショ"], "ヤマダセイサクショ"),
            (11, ["東洋商事", "トウヨウショウジ"], "トウヨウショウジ"),
        ],
    )
    assert [(h.entity_type, h.entity_id) for h in search.search("製作")] == [(2, 10)]
    assert [h.entity_id for h in search.search("ショウジ", entity_types=[2])] == [11]
    assert search.search("ショウジ", entity_types=[1]) == []


def _grams_of_document(document_entity_id):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.gram FROM core_searchgram g JOIN core_searchdocument d ON d.id = g.document_id "
            "WHERE d.entity_id = %s",
            [document_entity_id],
        )
        return {row[0] for row in cursor.fetchall()}


def test_kana_get_no_unigrams_but_kanji_and_latin_do():
    _index(1, "森ABC", "モリ")
    grams = _grams_of_document(1)
    assert {ord("森"), ord("a"), ord("b"), ord("c")} <= grams
    assert ord("モ") not in grams and ord("リ") not in grams
    assert (ord("モ") << 21 | ord("リ")) in grams  # bigrams of the reading stay
    assert search.document_grams(["森モリ"]) == search.grams_of("森モリ")


def test_one_kana_is_a_reading_prefix_search_in_any_script():
    _index(1, "田中太郎", "タナカ タロウ")
    _index(2, "高田花子", "タカダ ハナコ")
    _index(3, "中田一郎", "ナカタ イチロウ")  # タ inside the reading: not a prefix
    _index(4, "団一", "ダン ハジメ")  # voiced ダ is another row of the 五十音
    ids = lambda q, **kw: [h.entity_id for h in search.search(q, **kw)]  # noqa: E731
    assert ids("タ") == ids("た") == ids("ﾀ") == [2, 1]  # タカダ < タナカ
    assert ids("ダ") == [4]
    assert ids("ナ") == [3]
    assert ids("タ", entity_types=[2]) == []
    first = search.search("た", limit=1)
    assert [h.entity_id for h in search.search("た", limit=5, after=first[-1].cursor)] == [1]


def test_reading_prefix_range_holds_exactly_the_readings_that_start_with_it():
    low, high = search.reading_prefix_range("タカ")
    inside = ["タカ", "タカ ハナコ", "タカダ", "タカン"]
    outside = ["タオ", "タガ", "タキ", "ダカ", ""]
    assert all(low <= search.pack_sort_key(k) < high for k in inside)
    assert not any(low <= search.pack_sort_key(k) < high for k in outside)


_READINGS = [
    "タカギ",
    "タカダ",
    "タカノ",
    "タカシマ",
    "タカス",
    "タカハシ",
    "オカダ",
    "ヨシダ",
    "イシダ",
    "ニシダ",
    "サトウ",
    "イトウ",
    "カトウ",
    "タナカ",
    "ナカタ",
]
_GIVEN = ["タカシ", "ヨシコ", "サトシ", "ハナコ", "イチロウ", "ダイスケ", ""]
_KANJI = {
    "タカ": "高",
    "オカ": "岡",
    "ヨシ": "吉",
    "イシ": "石",
    "ニシ": "西",
    "サト": "佐",
    "イト": "伊",
    "カト": "加",
    "タナ": "田",
    "ナカ": "中",
}


@pytest.fixture
def crowd():
    """Readings whose bigrams are common apart from each other (タカ in every タカシ, シダ
    in every イシダ) — what made a walk of one posting list long; each entity's text as
    the index normalises it."""
    texts = {}
    entity = 0
    for family in _READINGS:
        for given in _GIVEN:
            entity += 1
            name = _KANJI.get(family[:2], "山") + family[2:] + "田" * (entity % 3)
            search.index_document(1, entity, [name, family + given], f"{family} {given}".strip())
            texts[entity] = search_key(name) + search_key(family + given)
    return texts


@pytest.mark.parametrize(
    "query",
    [
        "たかだ",
        "ﾖｼﾀﾞ",
        "タカハシ",
        "サトウ",
        "シダヨ",
        "カダヨシ",
        "鬱鬱鬱",
        "タカダハナコ",
        "タ鬱カ",
        "高田",
        "岡田タ",
        "ダイスケ",
        "ナカタカ",
    ],
)
def test_leapfrog_finds_exactly_the_documents_that_contain_the_query(crowd, query):
    """Every page of every query is what a plain substring scan of the documents
    gives, in 五十音順, forwards and backwards, narrowed or not."""
    key = search_key(query)
    every = search.search(query, limit=1000)
    assert {hit.entity_id for hit in every} == {
        entity for entity, text in crowd.items() if key in text
    }
    assert every == sorted(every, key=lambda hit: hit.cursor)
    pages, after = [], None
    while True:
        page = search.search(query, limit=2, after=after)
        pages += page
        if len(page) < 2:
            break
        after = page[-1].cursor
    assert pages == every
    for index in range(len(every)):
        assert (
            search.search(query, limit=3, before=every[index].cursor)
            == every[max(0, index - 3) : index]
        )
    odd_past_five = ("{entity_id} / 2 * 2 < {entity_id} AND {entity_id} > %s", [5])
    assert search.search(query, limit=1000, within=odd_past_five) == [
        hit for hit in every if hit.entity_id % 2 == 1 and hit.entity_id > 5
    ]
    assert search.search(query, limit=1000, entity_types=[2]) == []


def test_leapfrog_uses_at_most_a_few_grams_spread_over_the_query():
    assert leapfrog.leapfrog_grams([1, 2, 3]) == [1, 2, 3]
    assert leapfrog.leapfrog_grams(list(range(10))) == [0, 3, 6, 9]
    with pytest.raises(ValueError):
        leapfrog.leapfrog_statement([1], "1 = 1", [], limit=5)


def _postings():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.gram, g.sort_key, d.entity_id FROM core_searchgram g "
            "JOIN core_searchdocument d ON d.id = g.document_id ORDER BY 1, 2, 3"
        )
        return cursor.fetchall()


def test_staged_postings_write_exactly_what_a_direct_bulk_index_writes():
    from django.db import connection, transaction

    documents = [
        (10, ["山田製作所", "ヤマダセイサクショ"], "ヤマダセイサクショ"),
        (11, ["東洋商事", "トウヨウショウジ"], "トウヨウショウジ"),
    ]
    search.bulk_index(2, documents)
    direct = _postings()
    with transaction.atomic():
        search.remove_document(2, 10)
        search.remove_document(2, 11)
        with search.staged_postings() as staged:
            search.bulk_index(2, documents)
            assert _postings() == [] or not staged  # not visible until the block ends
        assert staged is (connection.vendor == "sqlite")
        assert _postings() == direct
        with search.staged_postings() as staged_again:  # the table holds postings now
            assert staged_again is False
    assert [h.entity_id for h in search.search("製作")] == [10]
