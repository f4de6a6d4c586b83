"""The manager's home: the team's week and pipeline as labelled figures and SVG charts."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from daifuku.core.charts import Bar, bar_chart, column_chart

pytestmark = pytest.mark.django_db


def test_column_chart_labels_axis_days_and_every_value():
    svg = str(
        column_chart(
            [Bar("12/1", 0, "0", "月"), Bar("12/2", 7, "7", "火"), Bar("12/3", 3, "3", "水")],
            title="日別のタッチ数",
            axis_title="件数",
        )
    )
    assert (
        svg.startswith('<svg class="chart"')
        and 'role="img"' in svg
        and "<title>日別のタッチ数</title>" in svg
    )
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "件数" in texts and {"0", "10"} <= set(texts)  # y axis from 0 to the next round number
    assert {"7", "3"} <= set(texts) and {"12/1", "12/2", "12/3", "月", "火", "水"} <= set(texts)
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert heights[0] == 0 and heights[1] > heights[2] > 0


def test_bar_chart_writes_label_value_and_target_marker_and_escapes():
    svg = str(
        bar_chart(
            [Bar("<script>", 5, "5 / 10件", "目標の50%", target=10)],
            title="担当者別",
            target_text="目標",
        )
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "5 / 10件" in svg and "目標の50%" in svg and "<line" in svg


def test_manager_home_shows_team_figures_and_charts_rep_home_does_not(manager, rep, teams):
    from daifuku.activities.services import log_touch
    from daifuku.activities.services.reviews import set_activity_goal
    from daifuku.customers.services import create_person

    person = create_person(actor=rep, data={"family_name": "田中", "given_name": "一郎"})
    for kind in ["visit", "call", "call"]:
        log_touch(
            actor=rep,
            data={"summary": "定期訪問", "kind": kind, "occurred_at": timezone.now()},
            person=person,
        )
    set_activity_goal(actor=manager, target=10, period="week", rep=rep)
    client = Client()
    client.force_login(manager)
    html = client.get("/").content.decode()
    overview = html[html.index('id="team-overview"') : html.index('id="team-pipeline"')]
    assert "今週のタッチ数" in overview and "今週の目標" in overview and "3 / 10" in overview
    assert "日別のタッチ数（直近14日）" in overview and overview.count('<svg class="chart"') == 2
    assert "営業 一郎" in overview and "目標の30%" in overview
    pipeline = html[html.index('id="team-pipeline"') :]
    assert "パイプライン金額" in pipeline and "¥" in pipeline

    client.force_login(rep)
    assert 'id="team-overview"' not in client.get("/").content.decode()


def test_manager_home_draws_the_funnel_with_stage_names(manager, company_for_deals):
    from daifuku.sales.models import Pipeline
    from daifuku.sales.services import create_deal, move_deal_to_stage

    pipeline = Pipeline.objects.get(
        name="新規営業"
    )  # the default pipeline every install starts with
    stages = {s.name: s for s in pipeline.stages.all()}
    deal = create_deal(
        actor=manager,
        data={
            "title": "基幹システム更改",
            "company_id": company_for_deals.pk,
            "pipeline_id": pipeline.pk,
            "amount": 1_200_000,
            "expected_close": timezone.localdate(),
        },
    )
    move_deal_to_stage(actor=manager, deal=deal, stage=stages["提案"])
    client = Client()
    client.force_login(manager)
    html = client.get("/").content.decode()
    funnel = html[html.index('id="team-pipeline"') :]
    assert (
        "新規営業のファネル" in funnel
        and "見込み" in funnel
        and "提案" in funnel
        and "受注" in funnel
    )
    assert "通過率 100.0%" in funnel  # the one deal that left 見込み went forward
    assert "¥1,200,000" in funnel


@pytest.fixture
def company_for_deals(db):
    from daifuku.customers.services import create_company

    return create_company(actor="test", data={"name": "株式会社山田製作所"})
