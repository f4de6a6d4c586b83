"""The 名寄せ queue, in a real browser, follows its scan and reloads itself when it ends."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from daifuku.core import jobs
from daifuku.core.models import JobRun

pytestmark = pytest.mark.browser


def test_the_queue_reloads_when_its_scan_ends(page_for, live_server, admin):
    job = jobs.start_job(kind="dedup_scan", parameters={"entity_type": "person"})
    page = page_for(admin)
    page.goto(f"{live_server.url}/customers/duplicates/")
    expect(page.locator("#scan-status")).to_contain_text("待機中")
    page.evaluate("window.loadedBefore = true")
    JobRun.objects.filter(pk=job.pk).update(status=JobRun.Status.SUCCEEDED, message="候補 0 件")
    expect(page.locator("#scan-status")).to_contain_text("候補 0 件", timeout=10_000)
    assert page.evaluate("window.loadedBefore === undefined")  # the whole page was loaded again
