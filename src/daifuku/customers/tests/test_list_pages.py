"""The people list's pages: hand-written SQL against the ORM, permission scope, and a
searched list paging straight from the search's hits (issue 2, customers.selectors.page)."""

import pytest
from django.urls import reverse

from daifuku.accounts import permissions
from daifuku.accounts.permissions import CHANGE, restrict
from daifuku.core.pagination import encode_cursor
from daifuku.customers import selectors
from daifuku.customers.models import Person, Tag
from daifuku.customers.selectors import PersonFilters
from daifuku.customers.tests import factories

pytestmark = pytest.mark.django_db

READINGS = [
    "アベ",
    "イトウ",
    "イトウ",
    "ウエダ",
    "エンドウ",
    "オオノ",
    "カトウ",
    "カトウ",
    "キムラ",
    "ワダ",
]


@pytest.fixture
def ledger(rep, teammate, other_rep):
    people = []
    for index, kana in enumerate(READINGS):
        owner = (rep, teammate, other_rep)[index % 3]
        people.append(
            factories.person(
                owner,
                family_name=f"名{index}",
                family_kana=kana,
                given_kana="",
                owner=owner.pk,
                team=owner.team_id,
                prefecture="東京都" if index % 2 else "大阪府",
                lifecycle="customer" if index % 4 else "lead",
                tags=["VIP"] if index % 3 == 0 else [],
            )
        )
    return people


def _all_pages(fetch, size=3):
    """Every page of a list, following next_cursor; returns ids and the cursors seen."""
    ids, cursor, cursors = [], None, []
    while True:
        page = fetch(cursor, size)
        ids += [row["id"] if isinstance(row, dict) else row.pk for row in page.items]
        cursors.append(page.next_cursor)
        if not page.next_cursor:
            return ids, cursors
        cursor = page.next_cursor


@pytest.mark.parametrize("sort", list(selectors.PERSON_SORTS))
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"owner": "rep"},
        {"team": "tokyo"},
        {"lifecycle": "customer"},
        {"tag": "VIP"},
        {"prefecture": "東京都", "lifecycle": "customer"},
    ],
)
def test_hand_written_page_equals_the_orm_page(ledger, rep, teams, sort, filters):
    values = {**filters}
    if "owner" in values:
        values["owner"] = rep.pk
    if "team" in values:
        values["team"] = teams["tokyo"].pk
    if "tag" in values:
        values["tag"] = Tag.objects.get(name="VIP").pk
    person_filters = PersonFilters(**values)
    rows = _all_pages(
        lambda cursor, size: selectors.list_people(
            rep, person_filters, sort=sort, cursor=cursor, size=size, rows=True
        )
    )
    models = _all_pages(
        lambda cursor, size: selectors.list_people(
            rep, person_filters, sort=sort, cursor=cursor, size=size
        )
    )
    assert rows == models
    expected = person_filters.apply(Person.objects.all())
    assert sorted(rows[0]) == sorted(expected.values_list("pk", flat=True)) and rows[0]


def test_the_scope_is_what_restrict_says(ledger, rep):
    """A rep may change what they or their team own: the compiled scope selects exactly
    the rows the ORM's restricted queryset selects."""
    restricted = restrict(Person.objects.all(), rep, CHANGE)
    where = selectors.scope(restricted)
    found = selectors.select_rows([where], ["id"])
    assert sorted(row["id"] for row in found) == sorted(restricted.values_list("pk", flat=True))
    assert 0 < len(found) < len(ledger)


def test_an_inactive_user_lists_nobody(ledger, rep):
    rep.is_active = False
    assert selectors.list_people(rep, PersonFilters(), rows=True).items == []


def test_rows_page_forwards_only(rep):
    """The API's rows have no "previous" link: a backwards page of them is a mistake."""
    with pytest.raises(ValueError):
        selectors.list_people(rep, PersonFilters(), rows=True, backwards=True)


def test_a_policy_that_joins_other_tables_is_still_obeyed(ledger, rep, monkeypatch):
    def tokyo_team_only(queryset, user, action):
        return queryset.filter(team__name="東京営業")

    monkeypatch.setitem(permissions._policies, Person, tokyo_team_only)
    assert selectors.scope(selectors.people_queryset(rep)) is None  # needs the team table
    ids = _all_pages(
        lambda cursor, size: selectors.list_people(
            rep, PersonFilters(), cursor=cursor, size=size, rows=True
        )
    )[0]
    assert sorted(ids) == sorted(
        Person.objects.filter(team__name="東京営業").values_list("pk", flat=True)
    )
    assert 0 < len(ids) < len(ledger)
    found = selectors.search_customers(rep, "名")[0]
    assert sorted(result.id for result in found) == sorted(ids)


def test_search_results_name_only_what_the_policy_shows(ledger, rep, monkeypatch):
    """The search box names its hits through the same compiled scope (people and
    companies in one statement): a person the policy hides is not in the results."""
    company = factories.company(rep, name="名古屋商事株式会社", kana="ナゴヤショウジ")
    hidden = ledger[1]

    def all_but_one(queryset, user, action):
        return queryset.exclude(pk=hidden.pk) if queryset.model is Person else queryset

    monkeypatch.setitem(permissions._policies, Person, all_but_one)
    results = selectors.search_customers(rep, "名")[0]
    assert ("company", company.pk, "名古屋商事株式会社", "ナゴヤショウジ") in [
        (r.type, r.id, r.display_name, r.kana) for r in results
    ]
    people = {r.id: (r.display_name, r.kana) for r in results if r.type == "person"}
    assert hidden.pk not in people and len(people) == len(ledger) - 1
    assert people[ledger[0].pk] == ("名0 太郎 様", "アベ")


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": encode_cursor(["アベ", "not a number"])},
        {"sort": "created", "cursor": encode_cursor(["not a date", 1])},
        {"search": "名", "cursor": encode_cursor(["アベ", 1])},
    ],
)
def test_forged_cursors_are_422_not_500(rep_api, ledger, params):
    response = rep_api.get("/api/v1/people", params)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_cursor"


# --- a searched list ------------------------------------------------------------------------


@pytest.fixture
def tanakas(rep):
    """Twelve 田中 in 五十音順 of their given names (Tokyo first, then Osaka), and two
    people who do not match."""
    given = [
        "アキ",
        "イク",
        "ウメ",
        "エミ",
        "オト",
        "カイ",
        "キヨ",
        "クニ",
        "ケイ",
        "コウ",
        "サチ",
        "シン",
    ]
    people = [
        factories.person(
            rep,
            family_name="田中",
            given_name=f"{index}",
            family_kana="タナカ",
            given_kana=kana,
            prefecture="東京都" if index < 9 else "大阪府",
        )
        for index, kana in enumerate(given)
    ]
    factories.person(rep, family_name="山本", family_kana="ヤマモト")
    factories.person(rep, family_name="中村", family_kana="ナカムラ")
    return [person.pk for person in people]


def _list_pages(user, filters, *, size=5):
    """Follow the list's pages as the HTML pager does; returns the ids per page and the
    last page."""
    pages, cursor = [], None
    while True:
        page = selectors.list_people(user, filters, cursor=cursor, size=size)
        pages.append([p.pk for p in page.items])
        if not (page.has_next and page.next_cursor):
            return pages, page
        cursor = page.next_cursor


@pytest.mark.parametrize("window", [1000, 4])
def test_a_searched_list_pages_through_the_hits_both_ways(rep, tanakas, window, monkeypatch):
    """Forwards and back through every page, inside the first SEARCH_CANDIDATE_CAP hits
    and (window=4) past them; the count says how many, capped."""
    monkeypatch.setattr(selectors.ledger, "SEARCH_CANDIDATE_CAP", window)
    pages, last = _list_pages(rep, PersonFilters(q="たなか"))
    assert [pk for page in pages for pk in page] == tanakas
    assert [len(page) for page in pages] == [5, 5, 2]
    count = selectors.count_people(rep, PersonFilters(q="たなか"), cap=window)
    assert count == ((12, False) if window == 1000 else (4, True))
    back, cursor = [], last.previous_cursor  # and back from the last page
    while cursor:
        page = selectors.list_people(
            rep, PersonFilters(q="たなか"), cursor=cursor, size=5, backwards=True
        )
        back.insert(0, [p.pk for p in page.items])
        cursor = page.previous_cursor
    assert back == pages[:-1]


def test_the_api_pages_a_search_like_the_html_list(rep_api, rep, tanakas):
    seen, cursor = [], None
    while True:
        body = rep_api.get(
            "/api/v1/people",
            {"search": "田中", "limit": 5, **({"cursor": cursor} if cursor else {})},
        ).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == tanakas


@pytest.mark.parametrize(
    "few", [5000, 1]
)  # the Osaka people searched from their side, or checked on each hit
@pytest.mark.parametrize("window", [1000, 3])
def test_search_and_filters_walk_together(rep, tanakas, window, few, monkeypatch):
    """The Osaka 田中 come last in 五十音順: with the filter applied during the search they
    are found however many Tokyo hits come first (the old list took the first thousand
    hits and filtered those)."""
    monkeypatch.setattr(selectors.ledger, "SEARCH_CANDIDATE_CAP", window)
    monkeypatch.setattr(selectors.ledger, "FILTERED_SEARCH_WINDOW", window)
    monkeypatch.setattr(selectors.ledger, "FEW_PEOPLE", few)
    filters = PersonFilters(q="田中", prefecture="大阪府")
    pages, _last = _list_pages(rep, filters, size=2)
    assert [pk for page in pages for pk in page] == tanakas[9:]
    assert selectors.count_people(rep, PersonFilters(q="田中", prefecture="大阪府"), cap=window)[
        0
    ] == min(3, window)
    api = selectors.list_people(
        rep, PersonFilters(q="田中", prefecture="大阪府"), size=10, rows=True
    )
    assert [row["id"] for row in api.items] == tanakas[9:]


def test_a_searched_list_sorted_otherwise_still_filters_by_the_search(rep, tanakas):
    page = selectors.list_people(rep, PersonFilters(q="田中"), sort="-kana", size=20, rows=True)
    assert [row["id"] for row in page.items] == tanakas[::-1]


def test_a_later_searched_page_within_the_query_budget(client, rep, django_assert_max_num_queries):
    """Session user, the search's ranking probe and walk, the page's rows, their tags:
    a later page too (it is cut from the same walk as the count)."""
    ids = [
        factories.person(
            rep,
            family_name="田中",
            given_name=f"{index}",
            family_kana="タナカ",
            given_kana=f"{chr(0x30A2 + index)}",
        ).pk
        for index in range(30)
    ]
    client.force_login(rep)
    first = client.get(reverse("customers:people"), {"q": "たなか"}).context["page"]
    with django_assert_max_num_queries(5):
        second = client.get(
            reverse("customers:people"), {"q": "たなか", "after": first.next_cursor}
        )
    assert [p.pk for p in first.items] + [p.pk for p in second.context["page"].items] == ids
    assert second.context["count"] == 30


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-22T10:26:42.657562+00:00",
        "2026-11-22T10:26:42+00:00",
        "2026-11-22T19:26:42.000100+09:00",
        "2026-11-22T10:26:42.999999+00:00",
        "2026-11-22T10:26:42.000999+00:00",
    ],
)
def test_rows_write_updated_at_as_djangos_encoder_does(rep, value):
    """The list's ``updated_at`` is read as JSON text (core.db.json_timestamp_sql): on
    both databases it is exactly what Django's encoder writes for the stored value."""
    import datetime as dt
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    person = factories.person(rep, family_name="時刻")
    Person.all_objects.filter(pk=person.pk).update(updated_at=dt.datetime.fromisoformat(value))
    stored = Person.all_objects.get(pk=person.pk).updated_at
    row = selectors.select_rows([selectors.ids_condition([person.pk])], ["id"], extras=True)[0]
    assert json.dumps(row["updated_at_json"]) == json.dumps(stored, cls=DjangoJSONEncoder)


def test_json_timestamp_reads_sqlite_text_in_any_shape(settings):
    """Text another writer left in SQLite (ISO ``T``, an offset) is still converted right."""
    from daifuku.core import db

    if db.vendor() != "sqlite":
        pytest.skip("SQLite keeps timestamps as text; PostgreSQL formats them in SQL")
    json_timestamp = db.json_timestamp_reader()
    assert json_timestamp("2026-11-22 10:26:42.657562") == "2026-11-22T10:26:42.657Z"
    assert json_timestamp("2026-11-22 10:26:42.000000") == "2026-11-22T10:26:42Z"
    assert json_timestamp("2026-11-22T19:26:42.5+09:00") == "2026-11-22T10:26:42.500Z"
    assert json_timestamp("2026-11-22T10:26:42") == "2026-11-22T10:26:42Z"
    assert json_timestamp(None) is None


@pytest.mark.parametrize("sort", ["created", "updated"])
def test_a_searched_list_sorted_by_date_sorts_every_match(client, rep, rep_api, monkeypatch, sort):
    """More matches than the search window holds: sorted by date, the list still shows
    the newest of all matches (walked in date order, checked against the search chunk by
    chunk), forwards and back, in the page and in the API."""
    import datetime as dt

    monkeypatch.setattr(selectors.ledger, "SEARCH_CANDIDATE_CAP", 3)
    monkeypatch.setattr(selectors.ledger, "SORTED_SEARCH_CHUNK", 4)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    matches = []
    for index in range(12):  # 田中 every third person, the others in between
        person = factories.person(
            rep,
            family_name="田中" if index % 3 == 0 else "佐藤",
            given_name=f"{index}",
            family_kana="タナカ" if index % 3 == 0 else "サトウ",
            given_kana=chr(0x30A2 + 2 * (11 - index)),
        )  # reading order ≠ date order
        Person.all_objects.filter(pk=person.pk).update(
            created_at=start + dt.timedelta(days=index), updated_at=start + dt.timedelta(days=index)
        )
        if index % 3 == 0:
            matches.append(person.pk)
    for index in range(3):  # more 田中, older than everyone: the window's first three by reading
        person = factories.person(
            rep, family_name="田中", given_name=f"古{index}", family_kana="タナカ", given_kana="ア"
        )
        Person.all_objects.filter(pk=person.pk).update(
            created_at=start - dt.timedelta(days=10 + index),
            updated_at=start - dt.timedelta(days=10 + index),
        )
        matches.append(person.pk)
    newest_first = sorted(
        matches, key=lambda pk: Person.all_objects.get(pk=pk).created_at, reverse=True
    )
    filters = PersonFilters(q="田中")
    ids, cursors = _all_pages(
        lambda cursor, size: selectors.list_people(
            rep, filters, sort=sort, cursor=cursor, size=size
        )
    )
    assert ids == newest_first
    back = selectors.list_people(rep, filters, sort=sort, cursor=cursors[1], size=3, backwards=True)
    assert [p.pk for p in back.items] == newest_first[
        2:5
    ] and back.previous_cursor  # the three before the 6th
    rows = _all_pages(
        lambda cursor, size: selectors.list_people(
            rep, filters, sort=sort, cursor=cursor, size=size, rows=True
        )
    )[0]
    assert rows == newest_first
    response = rep_api.get("/api/v1/people", {"search": "田中", "sort": sort, "limit": 5})
    assert [item["id"] for item in response.json()["items"]] == newest_first[:5]
    client.force_login(rep)
    page = client.get(reverse("customers:people"), {"q": "田中", "sort": sort})
    assert [p.pk for p in page.context["page"].items] == newest_first[:25]
