"""In a real browser: the next-action edit form opens and saves, a manager sends a daily
report back with a comment, and the person's history reads as Japanese sentences."""

from __future__ import annotations

import os
import re

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("DAIFUKU_SHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)])
def test_edit_a_next_action_in_the_browser(page_for, live_server, rep, viewport):
    from playwright.sync_api import expect

    from daifuku.activities import services
    from daifuku.customers.services import create_person

    person = create_person(
        actor=rep, data={"family_name": "田中", "given_name": "一郎", "phone": "03-1234-5678"}
    )
    action = services.create_next_action(
        actor=rep,
        person=person,
        data={"title": "見積書を届ける", "due_at": timezone.now() + timezone.timedelta(days=2)},
    )
    page = page_for(rep, viewport=viewport)
    page.goto(
        f"{live_server.url}/activities/actions/{action.pk}/edit/?next=/customers/people/{person.pk}/"
    )
    expect(page.locator("h1")).to_contain_text("次のアクションを編集")
    expect(page.locator("#id_title")).to_have_value("見積書を届ける")
    _shot(page, f"action-edit-{viewport[0]}")
    page.fill("#id_title", "見積書を持参して説明")
    page.locator("form.stacked button.primary").click()
    expect(page).to_have_url(f"{live_server.url}/customers/people/{person.pk}/")
    expect(page.locator(".activity-top")).to_contain_text("見積書を持参して説明")
    page.goto(f"{live_server.url}/customers/people/{person.pk}/history/")
    history = page.locator("#history")
    expect(history).to_contain_text("次のアクションを変更しました")
    expect(history).to_contain_text("内容: 見積書を届ける → 見積書を持参して説明")
    _shot(page, f"history-{viewport[0]}")


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)])
def test_a_manager_sends_a_report_back(page_for, live_server, rep, manager, viewport):
    from playwright.sync_api import expect

    from daifuku.activities import services
    from daifuku.customers.services import create_person

    person = create_person(actor=rep, data={"family_name": "佐藤", "given_name": "花子"})
    services.log_touch(
        actor=rep, person=person, data={"kind": "visit", "summary": "新商品のご説明"}
    )
    report = services.submit_daily_report(
        actor=rep, day=timezone.localdate(), reflection="訪問一件"
    )
    page = page_for(manager, viewport=viewport)
    page.goto(f"{live_server.url}/activities/reports/{report.pk}/")
    expect(page.locator("#report-touches")).to_contain_text("新商品のご説明")
    _shot(page, f"report-review-{viewport[0]}")
    page.locator("#return").click()  # empty: the browser keeps the form (required field)
    expect(page.locator("#report-status")).to_have_text("提出済み")
    page.fill("#id_return-body", "先方の反応を書いてください")
    page.locator("#return").click()
    expect(page.locator("#report-status")).to_have_text("差し戻し")
    expect(page.locator(".comments")).to_contain_text("先方の反応を書いてください")
    page.goto(f"{live_server.url}/activities/reports/missing/")
    expect(page.locator("#missing-reports")).to_contain_text(str(rep))
    _shot(page, f"reports-missing-{viewport[0]}")


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)])
def test_my_day_calls_the_customer_and_the_timeline_reads_japanese(
    page_for, live_server, rep, viewport, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from playwright.sync_api import expect

    from daifuku.activities import services
    from daifuku.activities.tests.conftest import image_bytes
    from daifuku.customers.services import create_person

    settings.MEDIA_ROOT = tmp_path / "media"
    person = create_person(
        actor=rep, data={"family_name": "田中", "given_name": "一郎", "phone": "03-1234-5678"}
    )
    services.quick_entry(
        actor=rep,
        person=person,
        touch_data={"kind": "visit", "summary": "新商品のご説明"},
        files=[SimpleUploadedFile("店頭.jpg", image_bytes("JPEG"))],
        next_action_data={
            "title": "見積書を届ける",
            "due_at": timezone.now() + timezone.timedelta(hours=2),
            "priority": "high",
        },
    )
    page = page_for(rep, viewport=viewport)
    page.goto(f"{live_server.url}/activities/")
    call = page.locator("#my-day a.tel").first
    expect(call).to_have_attribute("href", "tel:+81312345678")
    assert call.bounding_box()["height"] >= 44
    _shot(page, f"my-day-{viewport[0]}")
    page.goto(f"{live_server.url}/customers/people/{person.pk}/")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("訪問を記録しました（写真 1 枚）")
    expect(timeline).to_contain_text("次のアクションを予定しました")
    _shot(page, f"person-{viewport[0]}")
    page.goto(f"{live_server.url}/accounts/me/")
    _shot(page, f"profile-{viewport[0]}")
    if page.locator("#calendar-disable").count():
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("#calendar-disable").click()
    page.locator("#calendar-enable").click()
    expect(page.locator("#calendar-url")).to_have_value(
        re.compile(r"/activities/calendar/.+\.ics$")
    )
