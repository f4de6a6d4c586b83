"""Field-sales journey on a phone: log a visit with a photo and a next action from the
customer page, then see both on the customer page and in "my day"."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


def _png(path):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 200)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_phone_visit_with_photo_and_next_action(page_for, live_server, rep, tmp_path, settings):
    from playwright.sync_api import expect

    from daifuku.customers.services import create_person

    settings.MEDIA_ROOT = tmp_path / "media"
    person = create_person(
        actor=rep, data={"family_name": "田中", "given_name": "一郎", "family_kana": "タナカ"}
    )
    photo = _png(tmp_path / "shop-front.png")
    page = page_for(rep, viewport=(390, 844))
    page.goto(f"{live_server.url}/customers/people/{person.pk}/")
    expect(page.locator("#no-next-step")).to_be_visible()
    page.locator("#quick-entry").click()

    expect(page.locator("#quick-entry-form")).to_be_visible()
    page.get_by_label("訪問").check()
    page.fill("#id_summary", "店頭で新商品の説明")
    page.fill("#id_body", "- 試食の反応 **良好**\n- 次回は見積")
    page.set_input_files("#id_photo", str(photo))
    due = timezone.localtime() + dt.timedelta(minutes=2)
    page.fill("#id_next_title", "見積書を届ける")
    page.fill("#id_next_due_at", due.strftime("%Y-%m-%dT%H:%M"))
    # the form fits the phone: nothing wider than the viewport
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#save-touch").click()

    expect(page).to_have_url(f"{live_server.url}/customers/people/{person.pk}/")
    top = page.locator(".activity-top")
    expect(top).to_contain_text("見積書を届ける")
    expect(top).to_contain_text("店頭で新商品の説明")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("店頭で新商品の説明")
    expect(timeline.locator("strong", has_text="良好")).to_be_visible()
    thumbnail = timeline.locator("ul.attachments img").first
    expect(thumbnail).to_be_visible()
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert thumbnail.evaluate("img => img.naturalWidth") == 320

    page.goto(f"{live_server.url}/activities/")
    day = page.locator("#my-day")
    expect(day).to_contain_text("見積書を届ける")
    expect(day.locator("#h-touches-today")).to_contain_text("1")
    expect(day).to_contain_text("店頭で新商品の説明")
