"""The people and company lists in 五十音順 as a dictionary orders it (JIS X 4061): ハーン,
ババ and パク among the ハ readings, not after them — the same on SQLite and PostgreSQL,
in the page, the API and every writer of ``sort_kana`` (service, import, seeder,
migration)."""

import importlib

import pytest
from django.db import connection

from daifuku.customers import selectors
from daifuku.customers.models import Company, Person
from daifuku.customers.search_index import person_sort_kana
from daifuku.customers.selectors import PersonFilters
from daifuku.customers.tests import factories

pytestmark = pytest.mark.django_db

# In dictionary order; created shuffled.
IN_ORDER = [
    "ハ",
    "バ",
    "ハーン",
    "ハク",
    "パク",
    "ハッタ",
    "ハツタ",
    "ババ",
    "ハヤシ",
    "ハン",
    "ヒノ",
    "ビワ",
]
SHUFFLED = [
    "ハン",
    "ビワ",
    "パク",
    "ハツタ",
    "ハ",
    "ヒノ",
    "ハーン",
    "ババ",
    "ハク",
    "ハヤシ",
    "ハッタ",
    "バ",
]


@pytest.fixture
def readings(rep):
    people = {
        kana: factories.person(rep, family_name=f"名{kana}", family_kana=kana, given_kana="")
        for kana in SHUFFLED
    }
    factories.person(rep, family_name="読みなし", family_kana="", given_kana="")
    return people


def test_the_people_list_is_in_dictionary_order(readings, rep):
    page = selectors.list_people(rep, PersonFilters(), size=50)
    assert [p.family_kana for p in page.items] == [*IN_ORDER, ""]  # no reading: last


def test_the_api_rows_and_pages_backwards_agree(readings, rep):
    ids, cursor = [], None
    while True:
        page = selectors.list_people(rep, PersonFilters(), cursor=cursor, size=5, rows=True)
        ids += [row["id"] for row in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert ids[: len(IN_ORDER)] == [readings[kana].pk for kana in IN_ORDER]
    descending = selectors.list_people(rep, PersonFilters(), sort="-kana", size=50)
    assert [p.pk for p in descending.items] == list(reversed(ids))


def test_the_database_orders_the_column_like_python(readings):
    """Whatever the database's collation, ORDER BY sort_kana is the keys' byte order."""
    keys = list(Person.objects.order_by("sort_kana").values_list("sort_kana", flat=True))
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_companies_too(rep):
    for kana in ["ハンダ", "パーク", "ハシモト"]:
        factories.company(rep, name=f"{kana}商事株式会社", kana=kana)
    page = selectors.list_companies(rep, size=10)
    assert [c.kana for c in page.items] == ["パーク", "ハシモト", "ハンダ"]


def test_the_migration_recomputes_rows_written_in_the_old_form(readings):
    """Rows whose sort_kana still holds the katakana (written before 0007) get the key."""
    migration = importlib.import_module("daifuku.customers.migrations.0007_sort_kana_collation_key")
    Person.all_objects.update(sort_kana="タナカ")
    Company.all_objects.update(sort_kana="タナカ")
    company = factories.company(readings["ハ"].owner, name="パーク商事株式会社", kana="パーク")
    Company.all_objects.filter(pk=company.pk).update(sort_kana="パーク")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.recompute(None, editor)
    for person in Person.all_objects.all():
        assert person.sort_kana == person_sort_kana(
            person.family_name, person.given_name, person.family_kana, person.given_kana
        )
    company.refresh_from_db()
    assert company.sort_kana.isdigit() and company.sort_kana.startswith("36")
