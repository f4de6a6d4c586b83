"""The figures read from analytics' snapshot: ranks, rank movements, the RFM grid, and
the 5:25 retention what-if — their numbers, drill-down, CSV and PNG, and who sees them."""

from __future__ import annotations

import csv
import io
import struct

import pytest
from django.test import Client

from daifuku.dashboards import registry

pytestmark = pytest.mark.django_db


def _run(key, user, **params):
    figure = registry.get(key)
    values = registry.parse_params(figure, params)
    return figure, values, registry.run(figure, user, values)


def test_rank_distribution_counts_the_buyers_of_each_rank(shop, manager):
    # default ranks: ブロンズ 1+ purchase, シルバー 2+, ゴールド ¥100,000 in 12 months
    figure, params, result = _run("rank_distribution", manager)
    rows = {r["rank"]: r for r in result.rows}
    assert [r["rank"] for r in result.rows] == ["ゴールド", "シルバー", "ブロンズ", "ランクなし"]
    assert rows["ゴールド"]["customers"] == 1  # the company
    assert rows["シルバー"]["customers"] == 1  # 花子 (two purchases)
    # 次郎, and 太郎 whose second order was returned
    assert rows["ブロンズ"]["customers"] == 2
    assert rows["ブロンズ"]["share"] == 0.5
    bronze = result.chart.cells[2]
    assert registry.drill(figure, manager, params, bronze) == sorted(
        [shop["taro"].pk, shop["jiro"].pk]
    )
    assert registry.drill(figure, manager, params, "nonsense") == []


def test_rank_movements_from_the_rank_history(shop, manager):
    figure, params, result = _run("rank_movements", manager, months=6)
    moves = {(r["from_rank"], r["to_rank"]): r for r in result.rows}
    # everyone's first purchase gave ブロンズ; 花子 and 太郎 then rose to シルバー, and
    # 太郎 fell back when his second order was returned
    assert moves[("ランクなし", "ブロンズ")]["direction"] == "上昇"
    assert moves[("ブロンズ", "シルバー")]["changes"] == 2
    assert moves[("シルバー", "ブロンズ")]["direction"] == "下降"
    assert registry.drill(figure, manager, params, ["ブロンズ", "シルバー"]) == sorted(
        [shop["hanako"].pk, shop["taro"].pk]
    )
    assert registry.drill(figure, manager, params, ["シルバー", "ブロンズ"]) == [shop["taro"].pk]
    assert registry.drill(figure, manager, params, None) == []


def test_rfm_grid_and_its_cell(shop, manager):
    figure, params, result = _run("rfm_grid", manager)
    assert sum(r["customers"] for r in result.rows) == 4
    assert len(result.chart.matrix) == 5 and len(result.chart.matrix[0]) == 5
    assert result.chart.labels[0] == "R5" and result.chart.columns[0] == "F1"
    for row in result.rows:
        ids = registry.drill(figure, manager, params, [row["r"], row["f"]])
        assert len(ids) <= row["customers"]
    everyone = set()
    for row in result.rows:
        everyone |= set(registry.drill(figure, manager, params, [row["r"], row["f"]]))
    assert everyone == {shop["hanako"].pk, shop["taro"].pk, shop["jiro"].pk}
    assert registry.drill(figure, manager, params, ["x", 1]) == []


def test_retention_what_if(shop, manager):
    # this period: the last 2 months (this one included); before: the 2 months before
    figure, params, result = _run("retention_what_if", manager, period_months=2, points=5)
    values = [r["value"] for r in result.rows]
    previous_buyers, retained, rate = values[0], values[1], values[2]
    # 花子 and 太郎 bought 3 months ago, 花子 and 次郎 2 months ago; in the last two months
    # only the company bought (太郎's order a month ago was returned: it counts for nothing)
    assert previous_buyers == 3
    assert retained == 0 and rate == 0
    assert registry.drill(figure, manager, params, "lost") == sorted(
        [shop["hanako"].pk, shop["taro"].pk, shop["jiro"].pk]
    )
    assert registry.drill(figure, manager, params, "retained") == []
    # 次郎 comes back: retention 1 in 3, and the +5 points add revenue
    from daifuku.commerce.services import record_order

    from .conftest import months_ago

    record_order(
        actor="test",
        number="S-7",
        ordered_at=months_ago(0, day=1),
        total=2_200,
        person=shop["jiro"],
    )
    figure, params, result = _run("retention_what_if", manager, period_months=2, points=5)
    values = [r["value"] for r in result.rows]
    assert values[1] == 1 and values[2] == pytest.approx(33.3, abs=0.1)
    assert values[5] > values[4] > 0
    assert registry.drill(figure, manager, params, "retained") == [shop["jiro"].pk]
    assert registry.drill(figure, manager, params, "other") == []


def test_figures_count_only_what_the_viewer_may_see(shop, manager, rep):
    rep.is_active = False  # a deactivated account reads nothing
    for key in ("rank_distribution", "rfm_grid", "rank_movements"):
        figure, params, result = _run(key, rep)
        assert sum(r.get("customers", 0) for r in result.rows) == 0
    figure = registry.get("rfm_grid")
    assert registry.drill(figure, rep, {}, [5, 1]) == []


def test_the_what_if_is_for_business_readers(rep, manager):
    figure = registry.get("retention_what_if")
    assert figure.visible(manager) and not figure.visible(rep)
    assert "retention_what_if" not in [f.key for f in registry.figures(rep)]


def test_csv_and_png_of_the_rfm_grid(shop, manager):
    client = Client()
    client.force_login(manager)
    response = client.get("/dashboards/figures/rfm_grid.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert rows[0][:3] == ["R（最新購入）", "F（購入頻度）", "顧客"]
    moves = client.get("/dashboards/figures/rank_movements.csv?months=6").content.decode("utf-8")
    header = next(csv.reader(io.StringIO(moves.lstrip("\ufeff"))))
    assert header == ["移動前のランク", "移動後のランク", "方向", "変更件数", "顧客"]
    picture = client.get("/dashboards/figures/rank_distribution.png")
    assert picture["Content-Type"] == "image/png"
    assert struct.unpack(">II", picture.content[16:24])[0] == 720
    page = client.get("/dashboards/").content.decode()
    for title in ("ランク分布", "ランクの移動", "RFMグリッド", "継続率の改善効果（5:25）"):
        assert title in page


def test_a_cell_of_the_rfm_grid_opens_the_customer_list(shop, manager):
    from daifuku.dashboards import selection

    client = Client()
    client.force_login(manager)
    figure = registry.get("rfm_grid")
    _f, params, result = _run("rfm_grid", manager)
    jiro = next(
        row
        for row in result.rows
        if shop["jiro"].pk in registry.drill(figure, manager, params, [row["r"], row["f"]])
    )
    link = selection.link(figure, params, [jiro["r"], jiro["f"]])
    listing = client.get(link).content.decode()
    assert 'id="list-selection"' in listing and "鈴木 次郎" in listing
    assert "山田 花子" not in listing or jiro["customers"] > 1
