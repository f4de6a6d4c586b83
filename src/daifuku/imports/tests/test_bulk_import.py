"""A file as large as the ledger is imported as a bulk load (core.bulk_load): the same
customers, the same search, the same indexes afterwards — and a batch that fails loses
nothing that landed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils.translation import gettext as _

from daifuku.core import bulk_load, jobs, search
from daifuku.customers.models import Person
from daifuku.customers.selectors import search_hits
from daifuku.imports import pipeline
from daifuku.imports.tests.test_pipeline import upload

pytestmark = pytest.mark.django_db(transaction=True)


def indexes_of(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


def people_file(count: int, start: int = 0) -> bytes:
    lines = ["氏名,フリガナ,メールアドレス,都道府県"]
    lines += [
        f"山田 {n}郎,ヤマダ タロウ,p{n}@example.jp,東京都" for n in range(start, start + count)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def small_large_files(monkeypatch):
    """Six rows count as a large file here, in batches of two."""
    monkeypatch.setattr(pipeline, "LARGE_FROM", 6)
    monkeypatch.setattr(pipeline, "LARGE_BATCH", 2)
    monkeypatch.setattr(pipeline, "BATCH", 2)
    monkeypatch.delenv("DAIFUKU_IMPORT_BULK_LOAD", raising=False)


def test_a_file_as_large_as_the_ledger_is_loaded_in_bulk_and_ends_complete(
    rep, run_import, small_large_files, monkeypatch
):
    before = indexes_of("customers_person")
    seen = []
    real_deferred = bulk_load.deferred

    def spying(pairs):
        seen.append([name for _model, name in pairs])
        return real_deferred(pairs)

    monkeypatch.setattr(bulk_load, "deferred", spying)
    messages = []
    real_report = jobs.report_progress
    monkeypatch.setattr(
        jobs,
        "report_progress",
        lambda job, done, **kw: (messages.append(kw.get("message")), real_report(job, done, **kw)),
    )
    run = run_import(rep, upload(rep, "many.csv", people_file(6)))
    assert (run.created_count, run.failed_count) == (6, 0)
    assert seen and "person_kana_idx" in seen[0]  # it was a bulk load
    # the job says what it does while the indexes are built, after the rows' progress
    assert messages[-1] == _(
        "All rows are in. Building the customer lists' indexes and the name search for them…"
    )
    assert messages[-2] == _("%(done)s rows processed") % {"done": "6"}
    assert indexes_of("customers_person") == before  # every index is back
    assert bulk_load.missing() == []
    assert len(search_hits("山田")[0]) == 6  # findable by name, their postings merged
    assert Person.objects.filter(prefecture="東京都").count() == 6


def test_a_file_much_smaller_than_the_ledger_is_written_batch_by_batch(
    rep, run_import, small_large_files, monkeypatch
):
    run_import(rep, upload(rep, "first.csv", people_file(20)))
    seen = []
    monkeypatch.setattr(
        bulk_load, "deferred", lambda pairs: seen.append(pairs)
    )  # would fail if called
    run = run_import(rep, upload(rep, "second.csv", people_file(6, start=100)))
    assert run.created_count == 6 and seen == []  # 6 rows < half of 20 people


def test_a_failed_batch_in_a_bulk_load_keeps_the_others_and_the_indexes(
    rep, run_import, small_large_files, monkeypatch
):
    from daifuku.imports import writer

    real_create = writer.Writer._create

    def failing_second_batch(self, rows):
        if self.batches_created == 1:
            self.batches_created += 1
            raise RuntimeError("disk full")
        self.batches_created += 1
        return real_create(self, rows)

    monkeypatch.setattr(writer.Writer, "batches_created", 0, raising=False)
    monkeypatch.setattr(writer.Writer, "_create", failing_second_batch)
    run = run_import(rep, upload(rep, "partly.csv", people_file(6)))
    assert (run.created_count, run.failed_count) == (4, 2)
    assert bulk_load.missing() == []
    assert len(search_hits("山田")[0]) == 4


def killed_bulk_load() -> None:
    """What a bulk load killed mid-way leaves: an index dropped, postings in the backlog."""
    with connection.cursor() as cursor:
        cursor.execute('DROP INDEX "person_pref_kana_idx"')
    with search.postings_to(bulk_load.BACKLOG_TABLE):
        search.bulk_index(1, [(9999, ["残留太郎", "ザンリュウタロウ"], "ザンリュウタロウ")])


def test_the_next_import_finishes_what_a_killed_bulk_load_left(rep, run_import):
    killed_bulk_load()
    run = run_import(rep, upload(rep, "next.csv", people_file(2)))
    assert run.created_count == 2
    assert bulk_load.missing() == [] and bulk_load.merge_backlog() == 0
    assert [hit.entity_id for hit in search.search("残留")] == [
        9999
    ]  # merged into the posting lists


def test_no_repair_while_another_import_runs(rep, run_import):
    """The other import may be a bulk load: rebuilding its indexes would lock its batches out."""
    from daifuku.imports.models import ImportRun

    other = upload(rep, "other.csv", people_file(1))
    ImportRun.objects.filter(pk=other.pk).update(status=ImportRun.Status.RUNNING)
    killed_bulk_load()
    run_import(rep, upload(rep, "next.csv", people_file(2, start=10)))
    assert bulk_load.missing() == [(Person, "person_pref_kana_idx")]
    assert bulk_load.repair() == {"documents": 1, "indexes": ["person_pref_kana_idx"]}


def test_the_stalled_job_recovery_finishes_a_killed_bulk_load(rep):
    """A bulk load whose worker died: the recovery that fails its job also finishes it."""
    import datetime as dt

    from django.utils import timezone

    from daifuku.imports.models import ImportRun

    run = upload(rep, "killed.csv", people_file(1))
    job = jobs.start_job(kind="import", actor=rep, parameters={"import_id": run.pk})
    jobs.mark_running(job, total=1)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    killed_bulk_load()
    assert jobs.recover_stalled(now=timezone.now() + dt.timedelta(hours=1)) == [job.pk]
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.FAILED
    assert bulk_load.missing() == [] and bulk_load.merge_backlog() == 0
    assert [hit.entity_id for hit in search.search("残留")] == [9999]
