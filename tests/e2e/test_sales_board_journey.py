"""Issue 5 journey: a rep drags a deal to the next stage on the Kanban board, moves it again
with the keyboard, and sees the weighted forecast follow — on the board and on the forecast
page. The board also fits a phone (columns scroll inside the board, not the page)."""

from __future__ import annotations

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


@pytest.fixture
def board_deal(rep):
    from daifuku.customers.services import create_company
    from daifuku.sales.services import create_deal, create_pipeline

    pipeline = create_pipeline(
        actor="test",
        name="新規開拓",
        stages=[
            {"name": "見込み", "probability": 10},
            {"name": "提案", "probability": 40},
            {"name": "交渉", "probability": 80},
            {"name": "受注", "kind": "won"},
            {"name": "失注", "kind": "lost"},
        ],
    )
    company = create_company(actor="test", data={"name": "大福商事"})
    deal = create_deal(
        actor=rep,
        data={
            "title": "業務システム刷新",
            "company_id": company.pk,
            "pipeline_id": pipeline.pk,
            "amount": 1_000_000,
            "expected_close": timezone.localdate(),
        },
    )
    stages = {s.name: s for s in pipeline.stages.all()}
    return pipeline, deal, stages


def test_drag_to_next_stage_changes_the_forecast(page_for, live_server, rep, board_deal):
    from playwright.sync_api import expect

    pipeline, deal, stages = board_deal
    period = timezone.localdate().strftime("%Y-%m")
    page = page_for(rep)
    page.goto(f"/sales/forecast/?period={period}")
    expect(page.locator("#forecast-weighted")).to_have_text("¥100,000")

    page.goto(f"/sales/pipelines/{pipeline.pk}/board/")
    card = page.locator(f"#deal-card-{deal.pk}")
    expect(card).to_be_visible()
    expect(page.locator("#board-weighted")).to_have_text("¥100,000")
    card.drag_to(page.locator(f".board-col[data-stage='{stages['提案'].pk}']"))
    expect(
        page.locator(f".board-col[data-stage='{stages['提案'].pk}'] #deal-card-{deal.pk}")
    ).to_be_visible()
    expect(page.locator("#board-weighted")).to_have_text("¥400,000")
    expect(page.locator(f"#deal-card-{deal.pk}")).to_be_focused()  # focus follows the moved card

    # keyboard: Alt+→ on the focused card moves it one stage on
    page.locator(f"#deal-card-{deal.pk}").press("Alt+ArrowRight")
    expect(
        page.locator(f".board-col[data-stage='{stages['交渉'].pk}'] #deal-card-{deal.pk}")
    ).to_be_visible()
    expect(page.locator("#board-weighted")).to_have_text("¥800,000")
    expect(page.locator(f"#deal-card-{deal.pk}")).to_be_focused()

    page.goto(f"/sales/forecast/?period={period}")
    expect(page.locator("#forecast-weighted")).to_have_text("¥800,000")
    expect(page.locator("#forecast-unweighted")).to_have_text("¥1,000,000")

    page.goto(f"/sales/deals/{deal.pk}/")
    expect(page.locator("#h-timeline + ul, .timeline").first).to_contain_text("提案 → 交渉")


def test_move_select_works_and_board_fits_a_phone(page_for, live_server, rep, board_deal):
    from playwright.sync_api import expect

    pipeline, deal, stages = board_deal
    page = page_for(rep, viewport=(390, 844))
    page.goto(f"/sales/pipelines/{pipeline.pk}/board/")
    page.select_option(f"#move-{deal.pk}", str(stages["提案"].pk))
    expect(
        page.locator(f".board-col[data-stage='{stages['提案'].pk}'] #deal-card-{deal.pk}")
    ).to_be_visible()
    expect(page.locator("#board-weighted")).to_have_text("¥400,000")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
