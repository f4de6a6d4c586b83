"""The deal page's timeline reads as business events in plain Japanese: no raw "ui", no
empty ": " bullets, field labels instead of column names, values as people read them and
no internal bookkeeping fields."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from daifuku.sales import services
from daifuku.sales.models import LostReason

pytestmark = pytest.mark.django_db


def _timeline(user, deal) -> list[str]:
    client = Client()
    client.force_login(user)
    html = client.get(reverse("sales:deal", args=[deal.pk])).content.decode()
    section = html[html.index('id="h-timeline"') :]
    section = section[: section.index("</section>")]
    items = re.findall(
        r'<li data-kind="[^"]+">(.*?)</li>\s*(?=<li data-kind|</ul>\s*$)', section, re.S
    )
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_deal_timeline_speaks_plain_japanese(rep, make_deal, stages, person):
    from daifuku.core.context import acting

    with acting("ui"):
        deal = make_deal(rep, amount=0, expected_close=dt.date(2026, 5, 20))
        line = services.add_line_item(
            actor=rep, deal=deal, data={"name": "保守サポート", "quantity": 2, "unit_price": 50_000}
        )
        services.update_line_item(actor=rep, deal=deal, line=line, data={"quantity": 3})
        services.add_deal_contact(actor=rep, deal=deal, person=person, role="決裁者")
        services.update_deal(
            actor=rep,
            deal=deal,
            data={
                "amount": 1_200_000,
                "expected_close": "2026-06-30",
                "forecast_category": "commit",
            },
        )
        services.move_deal_to_stage(actor=rep, deal=deal, stage=stages["提案"])
        services.move_deal_to_stage(
            actor=rep,
            deal=deal,
            stage=stages["失注"],
            lost_reason=LostReason.objects.get(name="価格"),
            reason="他社が2割安い",
        )
    items = _timeline(rep, deal)
    text = "\n".join(items)
    assert items[-1].endswith("商談を作成しました フェーズ: 見込み 受注予定日: 2026-05-20")
    assert "明細を追加しました: 保守サポート × 2 単価: ¥50,000" in text
    assert "明細を変更しました: 保守サポート 数量: 2 → 3" in text
    assert "関係者を追加しました: 山田 花子 様（決裁者）" in text
    assert "金額: ¥150,000 → ¥1,200,000" in text
    assert "受注予定日: 2026-05-20 → 2026-06-30" in text
    assert "予測区分: パイプライン → コミット" in text
    assert "フェーズを移動しました: 見込み → 提案" in text
    assert "失注しました（提案 → 失注） 失注理由: 価格 メモ: 他社が2割安い" in text
    for raw in (
        " ui",
        ": :",
        "amount_from_lines",
        "明細の合計",
        "確度（手動）",
        "version",
        "作成 ",
        "ui ",
    ):
        assert raw not in text, raw
    assert not any(re.search(r"(^|\s):(\s|$)", item) for item in items)
