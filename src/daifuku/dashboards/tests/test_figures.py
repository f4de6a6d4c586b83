"""The built-in figures on generated orders: their numbers, drill-down, CSV and PNG."""

from __future__ import annotations

import csv
import io
import re
import struct
from html import unescape

import pytest
from django.test import Client

from daifuku.dashboards import registry

from .conftest import months_ago

pytestmark = pytest.mark.django_db


def _month(n: int) -> str:
    return months_ago(n).strftime("%Y-%m")


def _run(key, user, **params):
    figure = registry.get(key)
    values = registry.parse_params(figure, params)
    return figure, values, registry.run(figure, user, values)


def test_revenue_by_month_is_net_of_returns(shop, manager):
    _f, _p, result = _run("revenue_trend", manager, months=4)
    by_month = {row["month"]: row for row in result.rows}
    assert list(by_month) == [_month(3), _month(2), _month(1), _month(0)]
    assert by_month[_month(3)]["revenue"] == 33_000
    assert by_month[_month(2)]["revenue"] == 6_600
    # ¥3,300 ordered and returned the same month, ¥110,000 of the company
    assert by_month[_month(1)] == {
        "month": _month(1),
        "revenue": 110_000,
        "orders": 2,
        "returns": 3_300,
        "buyers": 2,
    }
    assert by_month[_month(0)]["revenue"] == 0


def test_revenue_by_channel(shop, manager):
    _f, _p, result = _run("revenue_by_channel", manager, months=12)
    rows = {r["channel"]: r for r in result.rows}
    assert rows["外商"]["revenue"] == 110_000
    assert rows["EC"]["revenue"] == 22_000 + 5_500  # the returned order nets to 0
    assert rows["店舗"] == {
        "channel": "店舗",
        "revenue": 12_100,
        "orders": 2,
        "buyers": 2,
        "average_order_value": 6_050,
    }
    assert [r["channel"] for r in result.rows] == ["外商", "EC", "店舗"]  # by revenue


def test_cohort_heatmap_and_its_cell(shop, manager):
    figure, params, result = _run("cohorts", manager, months=6)
    rows = {r["cohort"]: r for r in result.rows}
    # 3 months ago: 花子 and 太郎 start; 花子 comes back a month later
    assert rows[_month(3)]["size"] == 2
    assert rows[_month(3)]["m0"] == 1.0 and rows[_month(3)]["m1"] == 0.5
    # 太郎's order a month ago was returned two days later: by analytics' netting rule a
    # return lowers the day it happens, so the day of the order still counts as a purchase
    assert rows[_month(3)]["m2"] == 0.5
    assert rows[_month(2)]["size"] == 1  # 次郎
    ids = registry.drill(figure, manager, params, [_month(3), 1])
    assert ids == [shop["hanako"].pk]


def test_second_purchase_conversion(shop, manager):
    figure, params, result = _run("second_purchase", manager, months=4, within_days=60)
    rows = {r["month"]: r for r in result.rows}
    assert rows[_month(3)] == {"month": _month(3), "first_buyers": 2, "converted": 1, "rate": 0.5}
    # the drill-down names those who have not come back: whom to follow up
    assert registry.drill(
        figure, manager, params, months_ago(3).year * 12 + months_ago(3).month - 1 - 1970 * 12
    ) == [shop["taro"].pk]


def test_copurchase_pairs(shop, manager):
    figure, params, result = _run("copurchase", manager)
    assert result.rows[0]["product_a"] in ("湯呑み", "煎茶")
    assert result.rows[0]["orders_together"] == 3
    assert sorted(registry.drill(figure, manager, params, ["湯呑み", "煎茶"])) == sorted(
        [shop["hanako"].pk, shop["taro"].pk]
    )


def test_parameters_are_clamped():
    figure = registry.get("revenue_trend")
    assert registry.parse_params(figure, {"months": "999"}) == {"months": 60}
    assert registry.parse_params(figure, {"months": "x"}) == {"months": 12}


def test_page_drills_into_the_customer_list(shop, manager):
    client = Client()
    client.force_login(manager)
    page = client.get("/dashboards/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "コホート別の継続率" in html
    links = re.findall(r'<a href="(/customers/\?selection=[^"]+)"', html)
    assert links
    cohort = next(link for link in links if "cohorts" in _payload(link))
    listing = client.get(unescape(cohort))
    assert listing.status_code == 200
    assert 'id="list-selection"' in listing.content.decode()


def _payload(link: str) -> str:
    from django.core import signing

    token = unescape(link).split("selection=")[1]
    return str(signing.loads(token, salt="daifuku.selection"))


def test_a_forged_selection_selects_nobody(shop, manager):
    client = Client()
    client.force_login(manager)
    page = client.get("/customers/?selection=forged")
    assert page.status_code == 200
    assert "山田 花子" not in page.content.decode()


def test_csv_has_the_rows_with_japanese_headers(shop, manager):
    client = Client()
    client.force_login(manager)
    response = client.get("/dashboards/figures/revenue_by_channel.csv?months=12")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["販売経路", "売上（円）", "注文数", "購入者数", "平均注文額（円）"]
    assert rows[1] == ["外商", "110000", "1", "1", "110000"]


def test_png_is_a_real_picture(shop, manager):
    client = Client()
    client.force_login(manager)
    response = client.get("/dashboards/figures/cohorts.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    body = response.content
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", body[16:24])
    assert width == 720 and height > 100
    assert len(body) > 2_000


def test_pages_need_a_sign_in(db):
    client = Client()
    for url in (
        "/dashboards/",
        "/dashboards/figures/cohorts/",
        "/dashboards/figures/cohorts.csv",
        "/dashboards/figures/cohorts.png",
    ):
        assert client.get(url).status_code == 302


def test_unknown_figure_is_404(manager):
    client = Client()
    client.force_login(manager)
    assert client.get("/dashboards/figures/nothing/").status_code == 404
    assert client.get("/dashboards/figures/nothing.csv").status_code == 404


def test_the_list_exports_the_selected_people(shop, manager):
    from daifuku.dashboards import selection

    client = Client()
    client.force_login(manager)
    figure = registry.get("cohorts")
    link = selection.link(figure, {"months": 6}, [_month(3), 1])
    token = link.split("selection=")[1]
    exported = client.get(f"/imports/export/?format=csv_bom&selection={token}")
    assert exported.status_code == 200
    body = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert "山田" in body and "佐藤" not in body and "鈴木" not in body


def test_ltv_by_acquisition_channel(shop, manager):
    figure, params, result = _run("ltv_by_channel", manager)
    rows = {r["channel"]: r for r in result.rows}
    # 花子 first bought in the shop (11,000 + 5,500 on two days); 次郎 too (1,100 once)
    assert rows["店舗"] == {
        "channel": "店舗",
        "buyers": 2,
        "purchases": 3,
        "average_order_value": 5_867,
        "purchases_per_buyer": 1.5,
        "ltv": 8_800,
    }
    # 太郎 first bought on the EC site: 22,000, then 3,300 returned two days later
    assert rows["EC"]["ltv"] == 22_000
    assert registry.drill(figure, manager, params, "店舗") == sorted(
        [shop["hanako"].pk, shop["jiro"].pk]
    )


def test_filtering_the_list_keeps_the_selection(shop, manager):
    from daifuku.dashboards import selection

    client = Client()
    client.force_login(manager)
    link = selection.link(registry.get("revenue_by_channel"), {"months": 12}, "EC")
    token = link.split("selection=")[1]
    # the list's htmx request (a search typed in the box) carries the hidden selection
    partial = client.get(f"/customers/?selection={token}&q=佐藤", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    html = partial.content.decode()
    assert "佐藤" in html and "鈴木" not in html
    everyone_in_ec = client.get(f"/customers/?selection={token}").content.decode()
    assert "山田 花子" in everyone_in_ec and "佐藤 太郎" in everyone_in_ec
    assert "鈴木 次郎" not in everyone_in_ec  # bought in the shop only


def test_figure_table_shows_shares_in_percent_and_amounts_with_separators():
    from django.utils import translation

    from daifuku.dashboards.views.figures import _cell

    with translation.override("ja"):
        assert _cell("m2", 0.3333) == "33.3%"
        assert _cell("support", 0.4444) == "44.4%"
        assert _cell("revenue", 11816200) == "11,816,200"
        assert _cell("purchases_per_buyer", 1.0) == "1"
        assert _cell("lift", 1.2) == "1.20"
        assert _cell("cohort", "2026-03") == "2026年3月"
        assert _cell("rate", "") == ""


def test_phone_gets_every_drill_down_as_a_list_below_the_chart(shop, manager):
    """On a phone the bars and heatmap cells are too small to tap (< 44 px): each figure
    also lists its drill-downs below the chart (shown under 760 px by the stylesheet),
    the same links as the chart's bars and cells."""
    client = Client()
    client.force_login(manager)
    html = client.get("/dashboards/").content.decode()
    wide = re.findall(r'<div class="dash-wide">(.*?)</div>\s*<div class="dash-narrow">', html, re.S)
    narrow = re.findall(r'<div class="dash-narrow">(.*?)</details></div>', html, re.S)
    assert wide and len(wide) == len(narrow)
    for chart, listed in zip(wide, narrow, strict=True):
        in_chart = re.findall(r'<a href="([^"]+)"', chart)
        in_list = re.findall(r'<a href="([^"]+)"', listed)
        assert in_list == in_chart  # every bar and cell, in the chart's order
        assert "<a " not in listed.split("<details")[0]  # the phone's chart has no links
    assert 'class="dash-cells"' in html  # the cohort heatmap's cells, row by row
