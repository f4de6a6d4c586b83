"""Journey: a shop imports its EC cart's order history (CP932, one row per line) on the
import screen, then opens a customer and sees the purchases, and one order's page."""

from __future__ import annotations

import pytest

ORDERS = (
    "注文番号,会員番号,注文日,商品名,数量,単価,税率\r\n"
    "W-1,M-100,20251101,緑茶,2,500,8\r\n"
    "W-1,M-100,20251101,湯呑み,1,1500,10\r\n"
    "W-2,M-200,2025/11/05,急須,1,3000,10\r\n"
    "W-3,M-100,2025/13/05,急須,1,3000,10\r\n"
)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)])
def test_import_order_csv_then_see_the_purchases(
    page_for, live_server, rep, settings, tmp_path, viewport
):
    from playwright.sync_api import expect

    from daifuku.customers.services import create_person

    settings.MEDIA_ROOT = tmp_path
    yamada = create_person(
        actor=rep, data={"family_name": "山田", "given_name": "花子", "member_number": "M-100"}
    )
    path = tmp_path / "注文履歴.csv"
    path.write_bytes(ORDERS.encode("cp932"))
    page = page_for(rep, viewport=viewport)
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#import-file", str(path))
    page.locator("#import-target").select_option("order")
    page.get_by_role("button", name="アップロードして列を対応付ける").click()
    expect(page.locator("#encoding")).to_have_value("cp932")
    expect(page.locator('select[data-header="注文番号"]')).to_have_value("order_number")
    expect(page.locator('select[data-header="会員番号"]')).to_have_value("member_number")
    expect(page.locator('select[data-header="注文日"]')).to_have_value("ordered_at")
    page.get_by_label("該当する顧客がいない会員番号は").check()
    page.locator("#start-import").click()
    expect(page.locator("#import-summary")).to_contain_text(
        "注文 2 件を登録、0 件は登録済み、1 行はエラー、会員番号だけの顧客を 1 件作成"
    )
    expect(page.locator("tr.outcome-failed")).to_contain_text("2025/13/05")
    page.goto(f"{live_server.url}/customers/people/{yamada.pk}/")
    panel = page.locator("section[aria-labelledby=h-person-orders]")
    expect(panel).to_contain_text("注文 W-1")
    expect(panel).to_contain_text("¥2,730")
    panel.get_by_role("link", name="注文 W-1").click()
    expect(page.locator("#order-tax")).to_contain_text("8%")
    expect(page.locator("#order-totals")).to_contain_text("¥2,730")
