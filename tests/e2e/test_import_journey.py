"""Journey: a shop owner uploads the Excel (CP932) export of their old customer list, checks
the suggested columns, imports it, watches it finish and finds the customers."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE = (
    Path(__file__).resolve().parents[2] / "src/daifuku/imports/tests/fixtures/cp932_customers.csv"
)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)])
def test_upload_cp932_map_columns_and_see_the_result(
    page_for, live_server, rep, settings, tmp_path, viewport
):
    from playwright.sync_api import expect

    from daifuku.customers.models import Person

    settings.MEDIA_ROOT = tmp_path
    page = page_for(rep, viewport=viewport)
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#import-file", str(FIXTURE))
    page.get_by_role("button", name="アップロードして列を対応付ける").click()
    # encoding detected and shown; preview decoded; 氏名 suggested as "full name (split)"
    expect(page.locator("#encoding")).to_have_value("cp932")
    expect(page.locator("table.mapping")).to_contain_text("髙橋 一郎")
    expect(page.locator('select[data-header="氏名"]')).to_have_value("full_name")
    expect(page.locator('select[data-header="メールアドレス"]')).to_have_value("email")
    page.locator('select[data-header="備考"]').select_option("")  # do not import the notes
    page.locator("#start-import").click()
    expect(page.locator("#import-progress .progress")).to_be_visible()
    expect(page.locator("#import-summary")).to_contain_text(
        "3 件を新規登録、0 件を更新、1 件はエラー"
    )
    expect(page.locator("tr.outcome-failed")).to_contain_text("5")
    takahashi = Person.objects.get(family_name="髙橋")
    assert takahashi.notes == ""
    page.goto(f"{live_server.url}/customers/people/{takahashi.pk}/")
    expect(page.locator("body")).to_contain_text("タカハシ")


COMPANIES = FIXTURE.with_name("cp932_companies.csv")


@pytest.mark.browser
def test_companies_file_dry_run_then_import(page_for, live_server, rep, settings, tmp_path):
    """A sales team imports its 取引先 list: says the file holds companies, checks the
    suggested columns, tries a dry run, then imports."""
    from playwright.sync_api import expect

    from daifuku.customers.models import Company

    settings.MEDIA_ROOT = tmp_path
    page = page_for(rep)
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#import-file", str(COMPANIES))
    page.locator("#import-target").select_option("company")
    page.get_by_role("button", name="アップロードして列を対応付ける").click()
    expect(page.locator('select[data-header="取引先名"]')).to_have_value("name")
    expect(page.locator('select[data-header="法人番号"]')).to_have_value("corporate_number")
    expect(page.locator("#match_key")).to_have_value("corporate_number")
    page.get_by_label("試し実行").check()
    page.locator("#start-import").click()
    expect(page.locator("#import-summary")).to_contain_text(
        "4 件を新規登録、0 件を更新、2 件はエラー"
    )
    expect(page.locator("#import-progress")).to_contain_text("株式会社山田製作所")
    assert not Company.objects.exists()
    # the same file, for real this time
    page.get_by_label("試し実行").uncheck()
    page.locator("#start-import").click()
    expect(page.locator("#import-summary")).to_contain_text(
        "4 件を新規登録、0 件を更新、2 件はエラー"
    )
    expect(page.get_by_role("button", name="このインポートを取り消す")).to_be_visible()
    assert Company.objects.count() == 4
    page.get_by_role("link", name="企業一覧を開く").click()
    expect(page.locator("body")).to_contain_text("山田製作所")
