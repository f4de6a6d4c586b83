"""A page waiting on a background job says so when no worker is alive (core.workers), and
the 名寄せ queue reloads itself when the scan it shows has ended."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from daifuku.core import jobs
from daifuku.core.models import JobRun, WorkerHeartbeat

pytestmark = pytest.mark.django_db

NEVER = "バックグラウンド処理のワーカーがまだ一度も動いていない"


@pytest.fixture
def queued_jobs(settings):
    """Jobs wait in the database for a worker, as in production (the test settings run
    them at once in the test's own process)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "imports", "mail"],
        }
    }


@pytest.fixture
def browser(client, admin):
    client.force_login(admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    return client


def _scan(status=JobRun.Status.QUEUED) -> JobRun:
    job = jobs.start_job(kind="dedup_scan", parameters={"entity_type": "person"})
    JobRun.objects.filter(pk=job.pk).update(status=status)
    job.refresh_from_db()
    return job


def _worker_seen(seconds_ago: int) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w1",
        hostname="h",
        pid=1,
        started_at=now - dt.timedelta(hours=1),
        seen_at=now - dt.timedelta(seconds=seconds_ago),
    )


def test_a_queued_scan_with_no_worker_ever_says_to_start_one(queued_jobs, browser):
    _scan()
    page = browser.get(reverse("customers:dedup")).content.decode()
    assert 'id="no-worker"' in page
    assert NEVER in page and "daifuku worker" in page


def test_a_silent_worker_is_named_with_its_silence(queued_jobs, browser):
    _scan()
    _worker_seen(90)
    page = browser.get(reverse("customers:dedup")).content.decode()
    assert re.search(r"ワーカーから 9[01] 秒間応答がない", page), page
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(hours=3))
    page = browser.get(reverse("customers:dedup")).content.decode()
    assert "ワーカーから 180 分間応答がない" in page


def test_no_notice_while_a_worker_reports(queued_jobs, browser):
    _scan()
    _worker_seen(3)
    assert 'id="no-worker"' not in browser.get(reverse("customers:dedup")).content.decode()


def test_no_notice_for_a_finished_scan_nor_when_jobs_run_in_process(browser, settings):
    _scan()  # the test settings run jobs at once: no worker is needed
    assert 'id="no-worker"' not in browser.get(reverse("customers:dedup")).content.decode()


def test_the_import_progress_says_so_too(queued_jobs, browser, admin, tmp_path, settings):
    from daifuku.imports import services

    settings.MEDIA_ROOT = tmp_path
    run = services.upload(
        actor=admin, file=SimpleUploadedFile("p.csv", "姓,名\n山田,太郎\n".encode()), name="p.csv"
    )
    run = services.start(actor=admin, run=run)  # queued; nothing runs it
    part = browser.get(reverse("imports:progress", args=[run.pk])).content.decode()
    assert 'id="no-worker"' in part and NEVER in part


def test_the_scan_line_polls_and_the_page_reloads_when_the_scan_ends(browser):
    job = _scan(JobRun.Status.RUNNING)
    page = browser.get(reverse("customers:dedup")).content.decode()
    assert f'hx-get="{reverse("customers:dedup")}?scan={job.pk}"' in page
    poll = browser.get(reverse("customers:dedup"), {"scan": job.pk}, HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in poll and 'hx-trigger="every 2s"' in poll.content.decode()
    JobRun.objects.filter(pk=job.pk).update(status=JobRun.Status.SUCCEEDED)
    poll = browser.get(reverse("customers:dedup"), {"scan": job.pk}, HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    assert "?scan=" not in browser.get(reverse("customers:dedup")).content.decode()  # polls no more
