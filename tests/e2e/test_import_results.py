"""Journey: after an import the owner reads what happened, in Japanese, row by row — who was
added, who was updated, which row failed and why, which address needs checking — by the
customers' names and the rows of their file, never by internal ids."""

from __future__ import annotations

import os
import re

import pytest

FILE = (
    "氏名,メールアドレス,郵便番号,住所\r\n"
    "山田 太郎,yamada@example.jp,,東京都千代田区千代田1-1 コーポ①\r\n"
    "佐藤 花子,sato@example.jp,,大阪府大阪市北区梅田1-1\r\n"
    "鈴木 一郎,suzuki@example.jp,498-0000,\r\n"
    "田中 次郎,tanaka@example.jp,,\r\n"
    "高橋 三郎,not-an-email,,\r\n"
)
SHOTS = os.environ.get("DAIFUKU_SCREENSHOTS", "/tmp/import-results-shots")


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)])
def test_import_results_page_in_japanese_with_names(
    page_for, live_server, rep, settings, tmp_path, viewport
):
    from playwright.sync_api import expect

    from daifuku.customers import services as customer_services

    settings.MEDIA_ROOT = tmp_path
    tanaka = customer_services.create_person(
        actor=rep,
        data={"family_name": "田中", "given_name": "次郎", "emails": ["tanaka@example.jp"]},
    )
    source = tmp_path / "顧客リスト.csv"
    source.write_bytes(FILE.encode("cp932"))
    page = page_for(rep, viewport=viewport)
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#import-file", str(source))
    page.get_by_role("button", name="アップロードして列を対応付ける").click()
    page.locator('select[data-header="郵便番号"]').select_option("postal_code")
    page.locator("#start-import").click()
    summary = page.locator("#import-summary")
    expect(summary).to_have_text(re.compile("3 件を新規登録、0 件を更新、1 件はエラー"))
    # 田中 次郎 already had this e-mail and nothing new: unchanged, not listed; update him
    page.goto(f"{live_server.url}/imports/")
    source.write_bytes(
        "氏名,メールアドレス,備考\r\n田中 次郎,tanaka@example.jp,常連\r\n".encode("cp932")
    )
    page.set_input_files("#import-file", str(source))
    page.get_by_role("button", name="アップロードして列を対応付ける").click()
    page.locator("#start-import").click()
    expect(page.locator("#import-summary")).to_have_text(
        re.compile("0 件を新規登録、1 件を更新、0 件はエラー")
    )
    updated = page.locator("table.outcomes tr.outcome-updated")
    expect(updated).to_contain_text("2 行目")
    expect(updated).to_contain_text("田中 次郎")
    expect(updated).to_contain_text("更新")
    expect(updated.get_by_role("link", name="田中 次郎")).to_have_attribute(
        "href", f"/customers/people/{tanaka.pk}/"
    )
    # the first import's page: the failed row by name and row, the warning, no ids, no English
    page.goto(f"{live_server.url}/imports/")
    page.get_by_role("link", name="顧客リスト.csv").last.click()
    table = page.locator("table.outcomes")
    failed = table.locator("tr.outcome-failed")
    expect(failed).to_contain_text("6 行目")
    expect(failed).to_contain_text("高橋 三郎")
    expect(failed).to_contain_text("エラー")
    warned = table.locator("tr.outcome-created")
    expect(warned).to_contain_text("4 行目")
    expect(warned.get_by_role("link", name="鈴木 一郎")).to_be_visible()
    expect(warned).to_contain_text(
        "郵便番号 498-0000 は 愛知県弥富市 / 三重県桑名郡木曽岬町 のいずれかです"
    )
    text = page.locator("#import-progress").inner_text()
    assert not re.search(r"#\d+", text), text
    assert not re.search(r"\b(created|updated|failed|unchanged)\b", text), text
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/import-results-{viewport[0]}x{viewport[1]}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)])
def test_mapping_page_says_a_required_custom_field_once(
    page_for, live_server, rep, admin, settings, tmp_path, viewport
):
    from playwright.sync_api import expect

    from daifuku.customers import services as customer_services

    settings.MEDIA_ROOT = tmp_path
    customer_services.define_custom_field(
        actor=admin,
        data={
            "target": "person",
            "key": "visits",
            "label": "来店頻度",
            "field_type": "choice",
            "choices": ["毎週", "毎月"],
            "required": True,
        },
    )
    source = tmp_path / "会員.csv"
    source.write_bytes(
        "氏名,メールアドレス,来店\r\n山田 太郎,yamada@example.jp,毎週\r\n".encode("cp932")
    )
    page = page_for(rep, viewport=viewport)
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#import-file", str(source))
    page.get_by_role("button", name="アップロードして列を対応付ける").click()
    notice = page.locator("#mapping-problems")
    expect(notice).to_contain_text("必須のカスタム項目「来店頻度」に対応する列がありません")
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(
        path=f"{SHOTS}/mapping-required-{viewport[0]}x{viewport[1]}.png", full_page=True
    )
    # starting anyway: refused once, for the whole file
    page.locator("#start-import").click()
    expect(page.locator(".alert.error")).to_contain_text("来店頻度")
    # the column is there under another name: map it, and the row imports
    page.locator('select[data-header="来店"]').select_option("custom.visits")
    page.locator("#start-import").click()
    expect(page.locator("#import-summary")).to_have_text(
        re.compile("1 件を新規登録、0 件を更新、0 件はエラー")
    )
