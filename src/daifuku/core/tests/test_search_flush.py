"""``flush`` (and every transactional test, which flushes) leaves no postings behind: the
posting table is created by hand, so Django's flush does not empty it by itself."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from daifuku.core import search
from daifuku.core.leapfrog import GRAM_TABLE


def _postings() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {GRAM_TABLE}")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_search_finds_new_documents_after_a_flush():
    search.index_document(1, 100, ["山田 太郎", "ヤマダ タロウ"], "ヤマダタロウ")
    assert _postings() > 0
    call_command("flush", interactive=False, verbosity=0)
    assert _postings() == 0
    search.index_document(1, 101, ["山田 花子", "ヤマダ ハナコ"], "ヤマダハナコ")
    assert [hit.entity_id for hit in search.search("ﾔﾏﾀﾞ", limit=10)] == [101]


@pytest.mark.django_db
def test_a_migration_keeps_the_postings_of_an_index_with_documents():
    search.index_document(1, 100, ["山田 太郎"], "ヤマダタロウ")
    kept = _postings()
    call_command("migrate", interactive=False, verbosity=0)  # sends post_migrate again
    assert _postings() == kept > 0
