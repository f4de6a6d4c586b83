"""``daifuku analytics_rebuild`` and the nightly job (a JobRun with progress)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from daifuku.analytics.models import CustomerMetrics, RFMScale


def test_command_rebuilds_and_reports(person, company, buy):
    buy(person, 3_000, days_ago=4)
    buy(company, 8_000, days_ago=2)
    CustomerMetrics.objects.all().delete()
    out = io.StringIO()
    call_command("analytics_rebuild", stdout=out)
    assert "person: 1 customers, 1 buyers" in out.getvalue()
    assert "company: 1 customers, 1 buyers" in out.getvalue()
    assert CustomerMetrics.objects.count() == 2
    assert RFMScale.objects.get(entity="person").buyers == 1
    call_command("analytics_rebuild", "--keep-cut-points", "--as-of", "2026-12-31", stdout=out)
    with pytest.raises(CommandError):
        call_command("analytics_rebuild", "--as-of", "31/12/2026")


def test_nightly_job_runs_the_rebuild_with_progress(person, buy, committed):
    from daifuku.analytics import jobs
    from daifuku.core.models import JobRun

    buy(person, 3_000)
    CustomerMetrics.objects.all().delete()
    with committed():
        jobs.nightly()
    job = JobRun.objects.get(kind=jobs.JOB_KIND)
    assert job.status == JobRun.Status.SUCCEEDED and job.result["person"]["customers"] == 1
    assert CustomerMetrics.objects.filter(person=person).exists()


def test_the_nightly_rebuild_is_scheduled():
    from daifuku.core import schedule

    assert "analytics.nightly_rebuild" in {job.name for job in schedule.registered()}
