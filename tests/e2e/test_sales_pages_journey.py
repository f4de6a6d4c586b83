"""Every sales page in Japanese, at desktop and phone width: no English words or raw enum
values in what the page says, and on a phone every figure keeps its label, every control
is at least 44 px tall, and nothing makes the page scroll sideways."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

SHOTS = "/tmp/sales-shots"
# words that are names, not untranslated text: product codes of the demo price list,
# the keyboard key of the board's hint, the quote PDF and period names such as FY2026
ALLOWED = {
    "Alt",
    "PDF",
    "FY",
    "Q",
    "admin",
    "manager",
    "rep",
    "teammate",
}  # + the test users' names
SMALL = """() => [...document.querySelectorAll('main a, main button, main select, main summary, ' +
    'main input:not([type=hidden]):not([type=checkbox]):not([type=radio])')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.height < 44; })
  .map(e => e.outerHTML.slice(0, 100))"""
UNLABELLED = """() => [...document.querySelectorAll('main table.list:not(.figures) tbody tr')]
  .filter(tr => tr.cells.length > 1)
  .flatMap(tr => [...tr.cells].slice(1).filter(td => td.textContent.trim() && !td.dataset.label && !td.querySelector('form')))
  .map(td => td.outerHTML.slice(0, 100))"""


@pytest.fixture
def demo_sales(admin, manager, rep, teammate):
    from daifuku.core import demo
    from daifuku.customers.services import create_company
    from daifuku.sales.demo import add_demo_deals
    from daifuku.sales.models import Deal

    companies = [
        create_company(actor="test", data={"name": f"デモ商事{i}株式会社"}).pk for i in range(12)
    ]
    add_demo_deals(
        demo.DemoContext(
            users={"admin": admin, "manager": manager, "rep1": rep, "rep2": teammate},
            company_ids=companies,
        )
    )
    return Deal.objects.filter(status="lost").first(), Deal.objects.filter(
        status="open", lines__isnull=False
    ).first()


def _paths(lost, open_deal):
    return [
        "/sales/",
        "/sales/deals/",
        f"/sales/deals/{lost.pk}/",
        f"/sales/deals/{open_deal.pk}/",
        "/sales/deals/new/",
        f"/sales/deals/{open_deal.pk}/edit/",
        "/sales/forecast/",
        "/sales/funnel/",
        "/sales/stalled/",
        "/sales/targets/",
        "/sales/products/",
        "/sales/setup/",
    ]


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_sales_pages_read_as_japanese_and_fit_a_phone(
    page_for, live_server, admin, demo_sales, viewport
):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    page = page_for(admin, viewport=viewport)
    problems = []
    for path in _paths(*demo_sales):
        page.goto(path)
        name = re.sub(r"[^a-z0-9]+", "-", path).strip("-")
        page.screenshot(path=f"{SHOTS}/{name}-{viewport[0]}.png", full_page=True)
        text = page.inner_text("main")
        words = {w for w in re.findall(r"[A-Za-z][A-Za-z_]+", text) if w not in ALLOWED}
        words -= {w for w in words if re.fullmatch(r"[A-Z]{2,5}", w)}  # product codes (SYS-STD …)
        if words:
            problems.append(f"{path}: English words {sorted(words)}")
        if viewport[0] < 500:
            if page.evaluate("document.documentElement.scrollWidth") > viewport[0]:
                problems.append(f"{path}: the page scrolls sideways")
            small = page.evaluate(SMALL)
            if small:
                problems.append(f"{path}: controls under 44 px {small[:3]}")
            unlabelled = page.evaluate(UNLABELLED)
            if unlabelled:
                problems.append(f"{path}: figures without a label {unlabelled[:3]}")
    assert not problems, "\n".join(problems)
