"""Every kind of query the search box takes (customers.selectors_search): names, romaji,
e-mail and phone fragments, each found through its own index and merged in 五十音順."""

import pytest

from daifuku.customers import selectors
from daifuku.customers.selectors import PersonFilters
from daifuku.customers.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(rep):
    people = {
        "takada": factories.person(
            rep,
            family_name="高田",
            given_name="一郎",
            family_kana="タカダ",
            given_kana="イチロウ",
            email="ichiro.takada@example.ne.jp",
            phone="090-1234-8222",
            prefecture="東京都",
        ),
        "abe": factories.person(
            rep,
            family_name="阿部",
            given_name="花子",
            family_kana="アベ",
            given_kana="ハナコ",
            email="hanako@takada-shoji.jp",
            phone="03-5555-1111",
            prefecture="大阪府",
        ),
        "wada": factories.person(
            rep,
            family_name="和田",
            given_name="聡",
            family_kana="ワダ",
            given_kana="サトシ",
            email="takada.fan@example.ne.jp",
            phone="06-1234-8222",
            prefecture="大阪府",
        ),
    }
    company = factories.company(
        rep,
        name="株式会社高田商事",
        kana="タカダショウジ",
        email="info@takada-shoji.jp",
        phone="03-9999-8222",
    )
    return people, company


def _found(query, **kwargs):
    return [
        (result.type, result.id)
        for result in selectors.search_customers(kwargs.pop("user"), query, **kwargs)[0]
    ]


def test_each_kind_finds_its_customers_in_reading_order(ledger, rep):
    people, company = ledger
    p = {name: ("person", person.pk) for name, person in people.items()}
    c = ("company", company.pk)
    assert _found("高田", user=rep) == [
        p["takada"],
        c,
    ]  # kanji, 五十音順: タカダ イチロウ < タカダショウジ
    # romaji as a reading, and the start of e-mail addresses and of domains (takada-shoji.jp)
    assert _found("takada", user=rep) == [p["abe"], p["takada"], c, p["wada"]]
    assert _found("hanako@", user=rep) == [p["abe"]]
    assert _found("@takada-shoji.jp", user=rep) == [p["abe"], c]
    assert _found("@example.ne.jp", user=rep, types=("person",)) == [p["takada"], p["wada"]]
    assert _found("+81 90 1234 8222", user=rep) == [p["takada"]]  # any way a number is written
    assert _found("8222", user=rep) == [p["takada"], c, p["wada"]]  # 下4桁
    assert _found("@", user=rep) == [] and _found("@@", user=rep) == []


def test_email_matches_page_through_with_the_cursor(ledger, rep):
    people, company = ledger
    first, cursor = selectors.search_customers(rep, "takada", limit=3)
    assert cursor
    rest, end = selectors.search_customers(rep, "takada", limit=3, cursor=cursor)
    assert [(r.type, r.id) for r in first + rest] == [
        ("person", people["abe"].pk),
        ("person", people["takada"].pk),
        ("company", company.pk),
        ("person", people["wada"].pk),
    ]
    assert end is None


@pytest.mark.parametrize("few", [5000, 1])
def test_a_list_searched_by_email_and_filtered(ledger, rep, few, monkeypatch):
    """The filter applies to e-mail and phone matches as they are found (the list's
    narrowing), not to a first handful afterwards."""
    monkeypatch.setattr(selectors.ledger, "FEW_PEOPLE", few)
    people, _company = ledger
    page = selectors.list_people(
        rep, PersonFilters(q="@example.ne.jp", prefecture="大阪府"), size=10, rows=True
    )
    assert [row["id"] for row in page.items] == [people["wada"].pk]
    page = selectors.list_people(rep, PersonFilters(q="8222", prefecture="東京都"), size=10)
    assert [person.pk for person in page.items] == [people["takada"].pk]
    assert selectors.count_people(rep, PersonFilters(q="8222", prefecture="大阪府")) == (1, False)


QUERIES = [
    "高田",
    "takada",
    "hanako@",
    "@takada-shoji.jp",
    "+81 90 1234 8222",
    "8222",
    "たかだ",
    "ﾀｶﾀﾞ",
    "高田一郎",
    "タ",
    "鬱鬱",
    "@",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_search_box_answers_in_one_statement_as_the_names_fallback_does(
    ledger, rep, query, monkeypatch, django_assert_max_num_queries
):
    """Hits, merged kinds and names are one statement on PostgreSQL (prepared); on SQLite,
    or when a permission scope needs other tables, the names are a second — the same
    answer."""
    from daifuku.core import prepared
    from daifuku.customers.selectors import search as selectors_search

    for _ in range(7):  # PostgreSQL plans a prepared statement afresh for its first runs
        one = selectors.search_customers(rep, query, limit=2)
    with django_assert_max_num_queries(1 if prepared.one_statement_pays() else 2):
        assert selectors.search_customers(rep, query, limit=2) == one
    flipped = not prepared.one_statement_pays()  # the other database's way
    monkeypatch.setattr(prepared, "one_statement_pays", lambda: flipped)
    assert selectors.search_customers(rep, query, limit=2) == one
    monkeypatch.setattr(selectors_search, "scope", lambda restricted: None)
    assert selectors.search_customers(rep, query, limit=2) == one
    if one[1]:
        rest = selectors.search_customers(rep, query, limit=2, cursor=one[1])
        monkeypatch.undo()
        assert selectors.search_customers(rep, query, limit=2, cursor=one[1]) == rest
