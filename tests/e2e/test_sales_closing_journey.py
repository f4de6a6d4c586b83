"""Closing deals on the board: winning asks for confirmation (and records today as the
close date), losing asks why; the won and lost columns are fully visible on a 1366 × 768
laptop screen without scrolling sideways."""

from __future__ import annotations

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser

SHOTS = "/tmp/sales-shots"


def _shot(page, name):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=False)


@pytest.fixture
def default_board(rep):
    """The default pipeline of a fresh install, with one deal per open stage."""
    import datetime as dt

    from daifuku.customers.services import create_company
    from daifuku.sales.models import Pipeline
    from daifuku.sales.services import create_deal

    pipeline = Pipeline.objects.get(name="新規営業")
    stages = {s.name: s for s in pipeline.stages.all()}
    company = create_company(actor=rep, data={"name": "大福商事株式会社"})
    deals = [
        create_deal(
            actor=rep,
            data={
                "title": f"{name}の商談",
                "company_id": company.pk,
                "stage_id": stages[name].pk,
                "amount": 1_000_000,
                "expected_close": dt.date(2030, 3, 31),
            },
        )
        for name in ("見込み", "提案", "見積提示", "交渉")
    ]
    return pipeline, stages, deals


def test_win_asks_first_and_lose_asks_why(page_for, live_server, rep, default_board):
    from playwright.sync_api import expect

    from daifuku.sales.models import Deal

    pipeline, stages, deals = default_board
    page = page_for(rep)
    page.goto(f"/sales/pipelines/{pipeline.pk}/board/")
    won_col = page.locator(f".board-col[data-stage='{stages['受注'].pk}']")
    lost_col = page.locator(f".board-col[data-stage='{stages['失注'].pk}']")

    # winning: dismissing the confirmation leaves the deal where it was
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator(f"#deal-card-{deals[3].pk}").drag_to(won_col)
    expect(
        page.locator(f".board-col[data-stage='{stages['交渉'].pk}'] #deal-card-{deals[3].pk}")
    ).to_be_visible()
    assert Deal.objects.get(pk=deals[3].pk).status == "open"
    messages = []

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.locator(f"#deal-card-{deals[3].pk}").drag_to(won_col)
    expect(page.locator(f"#deal-card-{deals[3].pk}")).to_have_count(0)
    assert messages == ["この商談を受注にしますか？ 受注日は今日になります。"]
    won = Deal.objects.get(pk=deals[3].pk)
    assert (won.status, won.expected_close, won.closed_at is not None) == (
        "won",
        timezone.localdate(),
        True,
    )

    # losing: the dialog asks for the reason; cancel keeps the deal open
    page.locator(f"#deal-card-{deals[2].pk}").drag_to(lost_col)
    dialog = page.locator("#lost-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#board-lost-reason")).to_be_focused()
    _shot(page, "board-lost-dialog-1280")
    dialog.locator("[data-dialog-cancel]").click()
    expect(dialog).to_be_hidden()
    assert Deal.objects.get(pk=deals[2].pk).status == "open"
    page.select_option(f"#move-{deals[2].pk}", str(stages["失注"].pk))  # the card's menu asks too
    expect(dialog).to_be_visible()
    dialog.locator("button.danger").click()  # no reason chosen: the browser keeps the dialog open
    expect(dialog).to_be_visible()
    page.select_option("#board-lost-reason", label="競合に敗退")
    page.fill("#board-lost-note", "他社の提案が先行")
    dialog.locator("button.danger").click()
    expect(page.locator(f"#deal-card-{deals[2].pk}")).to_have_count(0)
    lost = Deal.objects.select_related("lost_reason").get(pk=deals[2].pk)
    assert (lost.status, lost.lost_reason.name, lost.close_reason) == (
        "lost",
        "競合に敗退",
        "他社の提案が先行",
    )


def test_won_and_lost_columns_fit_a_laptop_screen(page_for, live_server, rep, default_board):
    pipeline, stages, _deals = default_board
    page = page_for(rep, viewport=(1366, 768))
    page.goto(f"/sales/pipelines/{pipeline.pk}/board/")
    _shot(page, "board-1366")
    width = page.evaluate("window.innerWidth")
    for name in ("受注", "失注"):
        box = page.locator(f".board-col[data-stage='{stages[name].pk}']").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    scroller = page.locator(".board-columns")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth"), "the board scrolls sideways"

    # a longer pipeline scrolls inside the board, and won / lost stay at its right edge
    from daifuku.sales.services import create_stage

    for name in ("ヒアリング", "デモ", "稟議", "契約準備"):
        create_stage(actor="test", pipeline=pipeline, data={"name": name, "probability": 50})
    page.reload()
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    for scroll in (0, 10_000):
        scroller.evaluate(f"el => el.scrollLeft = {scroll}")
        for name in ("受注", "失注"):
            box = page.locator(f".board-col[data-stage='{stages[name].pk}']").bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (name, scroll, box, width)
    _shot(page, "board-1366-long-pipeline")
