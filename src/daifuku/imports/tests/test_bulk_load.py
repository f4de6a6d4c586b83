"""What a bulk load defers comes back: its indexes and its documents' postings, after the
load, after a failed load, and — for a load that was killed — at the next repair (import
start, migrate, command)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from daifuku.core import bulk_load, search
from daifuku.core.models import SearchDocument
from daifuku.customers.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

KANA = (Person, "person_kana_idx")
SORT = (SearchDocument, "search_doc_sort_idx")


def present(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


def test_the_imports_register_the_list_orderings_but_not_the_lookups():
    names = {name for _model, name in bulk_load.registered()}
    assert {
        "person_kana_idx",
        "person_pref_stage_kana_idx",
        "search_doc_sort_idx",
        "phone_digits_idx",
    } <= names
    # the upsert looks rows up by these; new rows are appended to the last three anyway
    assert not names & {
        "email_address_idx",
        "phone_e164_idx",
        "person_created_idx",
        "person_updated_idx",
        "person_deleted_idx",
    }


def test_deferred_drops_the_indexes_and_builds_them_again_afterwards():
    with bulk_load.deferred([KANA, SORT]) as dropped:
        assert dropped == ["person_kana_idx", "search_doc_sort_idx"]
        assert "person_kana_idx" not in present("customers_person")
        assert "search_doc_sort_idx" not in present("core_searchdocument")
        assert "person_owner_kana_idx" in present("customers_person")  # only what was named
    assert {"person_kana_idx", "person_owner_kana_idx"} <= present("customers_person")
    assert "search_doc_sort_idx" in present("core_searchdocument")


def test_a_load_that_fails_still_gets_its_indexes_back():
    with pytest.raises(RuntimeError), bulk_load.deferred([KANA]):
        raise RuntimeError("the load failed")
    assert "person_kana_idx" in present("customers_person")


def _pragmas(*names: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        values = {}
        for name in names:
            cursor.execute(f"PRAGMA {name}")
            row = cursor.fetchone()
            values[name] = int(row[0]) if row else None
        return values


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's sorter settings")
def test_the_rebuild_sorts_in_small_runs_with_helper_threads_and_gives_the_settings_back(
    monkeypatch,
):
    names = ("cache_size", "threads", "temp_store", "mmap_size")
    before = _pragmas(*names)
    seen = []
    original = bulk_load._create_sql
    monkeypatch.setattr(
        bulk_load,
        "_create_sql",
        lambda model, name: seen.append(_pragmas(*names)) or original(model, name),
    )
    with bulk_load.deferred([KANA]):
        pass
    assert seen == [
        {
            "cache_size": -bulk_load.SORT_CACHE_KB,
            "threads": bulk_load.SORT_THREADS,
            "temp_store": 1,
            "mmap_size": seen[0]["mmap_size"],
        }
    ]
    assert seen[0]["mmap_size"] in (0, None)
    assert _pragmas(*names) == before


def test_the_rebuilt_index_is_the_declared_one():
    """Built from the model's declaration, partial condition included, so a rebuilt index
    serves the same queries (compared with the definition the database reports)."""

    def definition() -> str:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'person_kana_idx'")
            else:
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'person_kana_idx'"
                )
            return cursor.fetchone()[0]

    before = definition()
    with bulk_load.deferred([KANA]):
        assert "person_kana_idx" not in present("customers_person")
    assert definition() == before
    assert "WHERE" in before  # partial: the trash is not in the list's ordering


def test_restore_builds_what_a_killed_load_left_missing_and_nothing_else():
    with connection.cursor() as cursor:
        cursor.execute('DROP INDEX "person_pref_kana_idx"')  # a load killed mid-way
    assert bulk_load.missing() == [(Person, "person_pref_kana_idx")]
    assert bulk_load.restore_indexes() == ["person_pref_kana_idx"]
    assert bulk_load.missing() == []
    assert bulk_load.restore_indexes() == []


def test_migrate_and_the_command_restore_missing_indexes():
    with connection.cursor() as cursor:
        cursor.execute('DROP INDEX "person_life_kana_idx"')
    call_command("migrate", verbosity=0, interactive=False)
    assert "person_life_kana_idx" in present("customers_person")
    with connection.cursor() as cursor:
        cursor.execute('DROP INDEX "phone_digits_idx"')
    call_command("restore_indexes", verbosity=0)
    assert "phone_digits_idx" in present("customers_phonenumber")


def test_set_aside_refuses_inside_a_transaction_and_unregistered_indexes():
    with transaction.atomic(), pytest.raises(RuntimeError):
        with bulk_load.deferred([KANA]):
            pass
    with pytest.raises(ValueError):
        with bulk_load.deferred([(Person, "person_deleted_idx")]):
            pass
    with pytest.raises(ValueError):
        bulk_load.register(Person, ["no_such_idx"])
    assert "person_kana_idx" in present("customers_person")


def names_found(query: str) -> set[int]:
    return {hit.entity_id for hit in search.search(query, limit=50)}


def index_new(entity_ids: range, family: str, kana: str) -> None:
    search.bulk_index(
        1, ((pk, [f"{family}太郎", f"{kana}タロウ"], f"{kana}タロウ") for pk in entity_ids)
    )


def test_a_bulk_loads_documents_are_found_by_name_once_it_ends():
    index_new(range(1, 3), "山田", "ヤマダ")
    with bulk_load.deferred([]):
        index_new(range(10, 13), "山田", "ヤマダ")
        assert names_found("山田") == {1, 2}  # in the backlog, not in the posting lists yet
        assert names_found("ヤマダ") == {1, 2}
    assert names_found("山田") == {1, 2, 10, 11, 12}
    assert names_found("ヤマダタロウ") == {1, 2, 10, 11, 12}
    assert bulk_load.merge_backlog() == 0  # nothing left behind


def test_a_document_changed_during_the_load_keeps_only_its_new_name():
    with bulk_load.deferred([]):
        index_new(range(20, 22), "佐藤", "サトウ")
        search.index_document(
            1, 20, ["鈴木花子", "スズキハナコ"], "スズキハナコ"
        )  # edited meanwhile
        search.remove_document(1, 21)  # put in the trash meanwhile
        assert names_found("鈴木") == {20}
    assert names_found("佐藤") == set()
    assert names_found("鈴木") == {20}


def test_repair_merges_the_backlog_a_killed_load_left():
    with search.postings_to(bulk_load.BACKLOG_TABLE):  # the load, killed before its end
        index_new(range(30, 32), "高橋", "タカハシ")
    assert names_found("高橋") == set()
    assert bulk_load.repair() == {"documents": 2, "indexes": []}
    assert names_found("高橋") == {30, 31}


def test_a_posting_already_in_the_lists_does_not_stop_the_merge():
    """core.search never writes a document's postings both ways; if it ever happened, the
    merge must still finish (PostgreSQL: the rebuilt key would refuse the duplicate)."""
    import json

    with search.postings_to(bulk_load.BACKLOG_TABLE):
        index_new(range(40, 42), "伊藤", "イトウ")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT document_id, sort_key, grams FROM {bulk_load.BACKLOG_TABLE}")
        twice = [
            (gram, sort_key, document)
            for document, sort_key, grams in cursor.fetchall()
            for gram in json.loads(grams)
        ]
        cursor.executemany(
            "INSERT INTO core_searchgram (gram, sort_key, document_id) VALUES (%s, %s, %s)", twice
        )
    assert bulk_load.merge_backlog() == 2
    assert names_found("伊藤") == {40, 41}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_searchgram")
        assert cursor.fetchone()[0] == len(twice)
