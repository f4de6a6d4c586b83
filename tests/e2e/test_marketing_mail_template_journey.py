"""A marketer writes a mail template with a block only ゴールド members see, previews it as
a ゴールド customer and as a ブロンズ customer and sees different content, switches the
preview to the phone width, saves — on a desk (1366 px) and on a phone (390 px)."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("DAIFUKU_SHOTS", "")


@pytest.fixture
def mail_world(rep, admin, django_capture_on_commit_callbacks):
    from daifuku.marketing.tests.tpl_world import build_mail_world

    return build_mail_world(rep, admin, django_capture_on_commit_callbacks)


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _choose(page, name):
    from playwright.sync_api import expect

    search = page.get_by_label("プレビューするお客様")
    search.fill(name)
    option = page.locator("#preview-people [data-preview-person]").first
    expect(option).to_contain_text(name)
    option.click()
    expect(page.locator("#preview-who")).to_contain_text(name)


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desk", "phone"])
def test_write_a_template_with_a_rank_block_and_preview_as_two_customers(
    page_for, live_server, make_user, teams, mail_world, viewport
):
    from playwright.sync_api import expect

    marketer = make_user("marketer", "marketer", teams["tokyo"])
    page = page_for(marketer, viewport=viewport)
    page.goto(f"{live_server.url}/marketing/")
    page.get_by_role("link", name="メールテンプレート").click()
    page.get_by_role("link", name="新しいテンプレート").first.click()
    page.get_by_label("名前").fill("秋の新茶のご案内")
    page.get_by_label("件名").fill("{{ display_name }}へ 秋の新茶")
    page.get_by_label("本文（HTML）").fill(
        "<style>.gold { color: #b8860b; font-weight: bold }</style>\n"
        "<p>{{ display_name }}</p>\n"
        '{% rank "ゴールド" %}<p class="gold">ゴールド会員さま限定の先行販売</p>{% endrank %}\n'
        '{% buyer "first" %}<p>初めてのご購入ありがとうございました</p>{% endbuyer %}\n'
    )
    frame = page.frame_locator("#preview-frame")

    _choose(page, "田中")
    expect(frame.get_by_text("ゴールド会員さま限定の先行販売")).to_be_visible()
    expect(frame.get_by_text("初めてのご購入")).to_have_count(0)
    expect(page.locator("#preview-subject")).to_have_text("田中 花子 様へ 秋の新茶")
    _shot(page, f"tpl-gold-{viewport[0]}")

    _choose(page, "鈴木")
    expect(frame.get_by_text("初めてのご購入ありがとうございました")).to_be_visible()
    expect(frame.get_by_text("ゴールド会員さま限定の先行販売")).to_have_count(0)
    expect(page.locator("#preview-subject")).to_have_text("鈴木 一郎 様へ 秋の新茶")

    page.get_by_label("スマートフォン（375 px）").check()
    expect(page.locator("#preview-frame")).to_have_css("width", "375px")
    _shot(page, f"tpl-bronze-phone-{viewport[0]}")

    # a mistake is shown in the preview with its line, before saving
    page.get_by_label("本文（テキスト）").fill("{{ display_name }}\n{{ nickname }}")
    expect(page.locator("#preview .alert")).to_contain_text("2 行目")

    page.get_by_label("本文（テキスト）").fill("{{ display_name }}\n")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("メールテンプレートの編集")
    expect(page.get_by_text("テンプレートを保存しました。")).to_be_visible()
    page.get_by_role("link", name="メールテンプレート").first.click()
    expect(page.get_by_role("link", name="秋の新茶のご案内")).to_be_visible()
    _shot(page, f"tpl-list-{viewport[0]}")


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desk", "phone"])
def test_personas_by_age_band_with_one_default(page_for, live_server, make_user, teams, viewport):
    from playwright.sync_api import expect

    marketer = make_user("marketer", "marketer", teams["tokyo"])
    page = page_for(marketer, viewport=viewport)
    page.goto(f"{live_server.url}/marketing/personas/")
    page.get_by_role("link", name="最初のペルソナを追加").click()
    page.get_by_label("名前").fill("さき")
    page.get_by_label("表示する差出人名").fill("大福茶舗 スタッフ さき")
    page.get_by_label("署名（テキスト）").fill("大福茶舗 スタッフ さき")
    page.get_by_label("10代以下").check()
    page.get_by_label("20代").check()
    _shot(page, f"persona-form-{viewport[0]}")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("ペルソナを保存しました。")).to_be_visible()

    page.get_by_role("link", name="新しいペルソナ").click()
    page.get_by_label("名前").fill("店長")
    page.get_by_label("表示する差出人名").fill("大福茶舗 店長 山田")
    page.get_by_label("20代").check()  # さき has it already: refused on the field
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".age-bands")).to_contain_text("さき")
    page.get_by_label("20代").uncheck()
    page.get_by_label("既定のペルソナ").check()
    page.get_by_role("button", name="保存").click()
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="店長")).to_contain_text("既定")
    expect(rows.filter(has_text="さき")).not_to_contain_text("既定")
    expect(rows.filter(has_text="さき")).to_contain_text("10代以下、20代")
    _shot(page, f"persona-list-{viewport[0]}")

    rows.filter(has_text="店長").get_by_role("link", name="削除").click()
    expect(page.get_by_text("送信者ペルソナ「店長」を削除しますか？")).to_be_visible()
    _shot(page, f"persona-delete-{viewport[0]}")
    page.get_by_role("button", name="削除").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("既定")  # さき inherits the default
