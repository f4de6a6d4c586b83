"""An import that stops half-way — its worker killed, or a batch raising — does not stay
"running" for ever: the job stops beating, the worker's schedule ends it as failed, and
what its whole batches wrote is counted and can be undone (issue 3: nothing half-written,
an import can be undone as a whole)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from daifuku.core import jobs, schedule
from daifuku.core.models import JobRun
from daifuku.customers.models import Person
from daifuku.imports import jobs as import_jobs
from daifuku.imports import pipeline, services
from daifuku.imports.models import ImportRun

from .test_pipeline import upload

ROWS = "氏名,メールアドレス\r\n" + "".join(
    f"{family} {given},{address}@example.jp\r\n"
    for family, given, address in (
        ("山田", "太郎", "yamada"),
        ("佐藤", "花子", "sato"),
        ("鈴木", "一郎", "suzuki"),
        ("高橋", "次郎", "takahashi"),
        ("田中", "三郎", "tanaka"),
    )
)


class WorkerKilled(BaseException):  # noqa: N818 - it names what happens, not an error class
    """What a killed worker leaves behind in the database: the job body stops where it
    is, and none of its own error handling runs (nothing catches a BaseException)."""


def _stop_after_first_batch(error: BaseException):
    def progress(done: int, _total: int | None) -> None:
        if done >= 2:
            raise error

    return progress


@pytest.fixture
def started(rep, monkeypatch, django_capture_on_commit_callbacks) -> ImportRun:
    """A five-row import queued in batches of two (the worker is not run)."""
    monkeypatch.setattr(pipeline, "BATCH", 2)
    run = upload(rep, "five.csv", ROWS.encode())
    with django_capture_on_commit_callbacks(execute=False):
        services.start(actor=rep, run=run)
    return run


def test_a_killed_import_is_ended_as_failed_and_its_batches_can_be_undone(
    rep, started, client, django_capture_on_commit_callbacks
):
    with pytest.raises(WorkerKilled):
        import_jobs.perform_import(started.pk, progress=_stop_after_first_batch(WorkerKilled()))
    started.refresh_from_db()
    job = started.job
    assert (started.status, job.status, job.progress_done) == ("running", "running", 2)
    assert Person.objects.count() == 2  # the first batch was committed whole

    assert jobs.recover_stalled() == []  # still beating a moment ago: left alone
    later = timezone.now() + jobs.STALL_AFTER + dt.timedelta(minutes=1)
    assert jobs.recover_stalled(now=later) == [job.pk]
    started.refresh_from_db()
    job.refresh_from_db()
    assert job.status == JobRun.Status.FAILED and job.error and job.finished_at == later
    assert (started.status, started.created_count, started.total_rows, started.undoable) == (
        "failed",
        2,
        2,
        True,
    )

    client.force_login(rep)
    progress = client.get(
        reverse("imports:progress", args=[started.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert (
        'id="import-interrupted"' in progress
        and reverse("imports:undo", args=[started.pk]) in progress
    )
    assert job.error in progress

    with django_capture_on_commit_callbacks(execute=True):
        services.request_undo(actor=rep, run=started)
    started.refresh_from_db()
    assert started.status == "undone" and not Person.objects.exists()


def test_a_batch_that_raises_ends_the_import_as_failed_with_what_was_written(started):
    with pytest.raises(RuntimeError):
        import_jobs.perform_import(
            started.pk, progress=_stop_after_first_batch(RuntimeError("disk full"))
        )
    started.refresh_from_db()
    assert (started.status, started.created_count, started.undoable) == ("failed", 2, True)
    assert started.job.status == JobRun.Status.FAILED and "disk full" in started.job.error
    assert jobs.recover_stalled(now=timezone.now() + 2 * jobs.STALL_AFTER) == []  # already ended


def test_a_failed_import_that_wrote_nothing_cannot_be_undone(rep, started):
    from daifuku.core.errors import DomainError

    ImportRun.objects.filter(pk=started.pk).update(status=ImportRun.Status.FAILED)
    started.refresh_from_db()
    assert not started.undoable
    with pytest.raises(DomainError) as refused:
        services.request_undo(actor=rep, run=started)
    assert refused.value.code == "cannot_undo"


def test_the_worker_schedule_runs_the_recovery():
    assert "core.recover_stalled_jobs" in {job.name for job in schedule.registered()}


def test_a_failing_handler_does_not_keep_other_stalled_jobs_running(db, monkeypatch):
    """A stalled job whose domain handler raises stays as it was (its transaction rolls
    back); the others are still ended."""

    def broken(job):
        raise RuntimeError("handler bug")

    monkeypatch.setitem(jobs._stall_handlers, "broken", broken)
    old = timezone.now() - 2 * jobs.STALL_AFTER
    first = JobRun.objects.create(kind="broken", status=JobRun.Status.RUNNING, heartbeat_at=old)
    second = JobRun.objects.create(kind="export", status=JobRun.Status.RUNNING, heartbeat_at=old)
    assert jobs.recover_stalled() == [second.pk]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("running", "failed")
