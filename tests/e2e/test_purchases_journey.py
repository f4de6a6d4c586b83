"""Journey of issue 19, end to end in one browser session: a shop manager imports the EC
cart's order history (CP932) on the import screen, opens a customer and reads their rank and
purchases (顧客価値 and 購買履歴), then opens the cohort chart in the analytics area (分析),
taps a cell and lands on the customer list of exactly the customers of that cell. On a desk
(1280) and a phone (390). Screenshots: /tmp/daifuku-purchases-*.png."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


def _months_ago(n: int) -> dt.date:
    # the 10th of a month n months back: every order of the file falls in a known cohort month
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 10)


def _order_csv() -> bytes:
    two, one = _months_ago(2), _months_ago(1)
    rows = [
        "注文番号,会員番号,注文日,商品名,数量,単価,税率",
        # 山田 花子 (M-100) buys two months ago and comes back last month → シルバー
        f"J-1,M-100,{two:%Y%m%d},緑茶,2,500,8",
        f"J-1,M-100,{two:%Y%m%d},湯呑み,1,1500,10",
        f"J-2,M-100,{one:%Y/%m/%d},急須,1,3000,10",
        # 佐藤 太郎 (M-200) buys once two months ago and does not come back
        f"J-3,M-200,{two:%Y/%m/%d},羊羹,1,2000,8",
    ]
    return ("\r\n".join(rows) + "\r\n").encode("cp932")


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desk", "phone"])
def test_import_orders_see_rank_and_purchases_then_drill_into_a_cohort(
    page_for, live_server, manager, settings, tmp_path, viewport
):
    from playwright.sync_api import expect

    from daifuku.analytics.defaults import ensure_default_rules
    from daifuku.customers.services import create_person

    settings.MEDIA_ROOT = tmp_path
    name = "desk" if viewport[0] > 600 else "phone"
    # a fresh installation's ranks (ブロンズ 1 purchase, シルバー 2, ゴールド ¥100,000 a year)
    ensure_default_rules()
    hanako = create_person(
        actor=manager, data={"family_name": "山田", "given_name": "花子", "member_number": "M-100"}
    )
    create_person(
        actor=manager, data={"family_name": "佐藤", "given_name": "太郎", "member_number": "M-200"}
    )
    path = tmp_path / "注文履歴.csv"
    path.write_bytes(_order_csv())

    # 1. import the order history on the import screen
    page = page_for(manager, viewport=viewport)
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#import-file", str(path))
    page.locator("#import-target").select_option("order")
    page.get_by_role("button", name="アップロードして列を対応付ける").click()
    expect(page.locator("#encoding")).to_have_value("cp932")
    expect(page.locator('select[data-header="注文番号"]')).to_have_value("order_number")
    expect(page.locator('select[data-header="会員番号"]')).to_have_value("member_number")
    page.locator("#start-import").click()
    expect(page.locator("#import-summary")).to_contain_text("注文 3 件を登録")

    # 2. the customer's page: rank and purchases
    page.goto(f"{live_server.url}/customers/people/{hanako.pk}/")
    value = page.locator("section[aria-labelledby=h-person-metrics]")
    expect(value.locator("#h-person-metrics")).to_have_text("顧客価値")
    expect(value).to_contain_text("シルバー")
    expect(value).to_contain_text("リピーター")
    purchases = page.locator("section[aria-labelledby=h-person-orders]")
    expect(purchases.locator("#h-person-orders")).to_have_text("購買履歴")
    expect(purchases).to_contain_text("注文 J-1")
    expect(purchases).to_contain_text("注文 J-2")
    # 2 × 500 at 8 % = 1,080; 1,500 at 10 % = 1,650 → 2,730; 3,000 at 10 % → 3,300
    expect(purchases).to_contain_text("¥6,030")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    value.scroll_into_view_if_needed()
    page.screenshot(path=f"/tmp/daifuku-purchases-person-{name}.png", full_page=True)

    # 3. the cohort chart on the analytics area, one cell drilled into
    page.goto(f"{live_server.url}/dashboards/")
    expect(page.locator("h1")).to_have_text("分析")
    cohorts = page.locator("#figure-cohorts")
    expect(cohorts.locator("h2")).to_contain_text("コホート別の継続率")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
    # the cohort of two months ago, one month later: 花子 came back, 太郎 did not
    cell = cohort_cell(cohorts, phone=viewport[0] < 600)
    expect(cell).to_have_attribute("aria-label", re.compile(r"^\d\d/\d\d \+1 50%$"))
    cell.scroll_into_view_if_needed()
    cell.click()
    page.wait_for_url("**/customers/?selection=*")
    expect(page.locator("#list-selection")).to_contain_text("コホート別の継続率")
    expect(page.locator("#people-table")).to_contain_text("山田")
    expect(page.locator("#people-table")).not_to_contain_text("佐藤")
    page.screenshot(path=f"/tmp/daifuku-purchases-drill-{name}.png", full_page=True)


def cohort_cell(figure, *, phone: bool):
    """The cohort's month +1: the chart's cell on a desk; on a phone the same cell in the
    list under the chart (the chart's cells are too small to tap), at least 44 × 44 px."""
    if not phone:
        return figure.locator("svg a").nth(1)
    figure.locator(".dash-narrow summary").click()
    cell = figure.locator(".dash-narrow .dash-cells a").nth(1)
    box = cell.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44
    return cell
