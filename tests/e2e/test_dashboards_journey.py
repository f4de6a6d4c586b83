"""A manager opens the analytics area (分析) on a desk (1280) and a phone (390): every
figure is there in Japanese with its CSV and PNG links, nothing overflows the phone's
width, and a tap on a cell of the cohort heatmap opens the customer list narrowed to the
customers of that cell. Screenshots: /tmp/daifuku-dashboards-*.png."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _months_ago(n: int) -> dt.datetime:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - n
    return timezone.make_aware(dt.datetime(index // 12, index % 12 + 1, 10, 12, 0))


@pytest.fixture
def orders(rep):
    from daifuku.commerce.services import record_order
    from daifuku.customers.services import create_person

    hanako = create_person(actor=rep, data={"family_name": "山田", "given_name": "花子"})
    taro = create_person(actor=rep, data={"family_name": "佐藤", "given_name": "太郎"})
    for number, person, months, channel, total in (
        ("D-1", hanako, 2, "店舗", 5_500),
        ("D-2", hanako, 1, "EC", 3_300),
        ("D-3", taro, 2, "EC", 11_000),
    ):
        record_order(
            actor="test",
            number=number,
            person=person,
            ordered_at=_months_ago(months),
            channel=channel,
            total=total,
        )
    return {"hanako": hanako, "taro": taro}


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desk", "phone"])
def test_open_the_analytics_area_and_drill_into_a_cohort_cell(
    page_for, live_server, manager, orders, viewport
):
    page = page_for(manager, viewport=viewport)
    page.goto(f"{live_server.url}/dashboards/")
    expect(page.locator("h1")).to_have_text("分析")
    for title in (
        "月別売上",
        "販売経路別の売上",
        "コホート別の継続率",
        "2回目購入率",
        "併せて買われる商品",
    ):
        expect(page.locator("h2", has_text=title).first).to_be_visible()
    expect(page.locator("#figure-cohorts a.btn", has_text="PNG")).to_be_visible()
    expect(page.locator("#figure-cohorts a.btn", has_text="CSV")).to_be_visible()
    # nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
    name = "desk" if viewport[0] > 600 else "phone"
    page.screenshot(path=f"/tmp/daifuku-dashboards-{name}.png", full_page=True)

    # the first cohort's month +1 cell: 花子 came back, 太郎 did not
    cell = cohort_cell(page.locator("#figure-cohorts"), phone=viewport[0] < 600)
    expect(cell).to_have_attribute("aria-label", re.compile(r"^\d\d/\d\d \+1 50%$"))
    cell.scroll_into_view_if_needed()
    cell.click()
    page.wait_for_url("**/customers/?selection=*")
    expect(page.locator("#list-selection")).to_contain_text("コホート別の継続率")
    expect(page.locator("#people-table")).to_contain_text("山田")
    expect(page.locator("#people-table")).not_to_contain_text("佐藤")
    page.screenshot(path=f"/tmp/daifuku-dashboards-drill-{name}.png", full_page=True)


def cohort_cell(figure, *, phone: bool):
    """The first cohort's month +1: the chart's cell on a desk; on a phone (where the
    chart's cells are too small to tap) the same cell in the list under the chart, a
    target of at least 44 × 44 px."""
    if not phone:
        return figure.locator("svg a").nth(1)
    figure.locator(".dash-narrow summary").click()
    cell = figure.locator(".dash-narrow .dash-cells a").nth(1)
    box = cell.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44
    return cell
