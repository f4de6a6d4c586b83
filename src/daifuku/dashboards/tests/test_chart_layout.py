"""The bars picture keeps its texts inside the picture: a long note (a KPI's
「¥6,761,544 / ¥3,000,000」) widens the text column instead of running off the edge."""

from __future__ import annotations

import re

from daifuku.dashboards import charts
from daifuku.dashboards.registry import Chart


def _notes(svg: str, size: int) -> list[tuple[float, str]]:
    return [
        (float(x), text)
        for x, text in re.findall(
            rf'<text x="([\d.]+)" y="[\d.]+" font-size="{size}"[^>]*>([^<]*)<', svg
        )
    ]


def test_a_long_note_stays_inside_the_picture():
    chart = Chart(
        "bars",
        labels=["月次売上", "2回目購入率"],
        values=[225.0, 0.0],
        texts=["225%", "0%"],
        row_notes=["¥6,761,544 / ¥3,000,000", "0.0% / 35.0%"],
    )
    svg = charts.bars(chart, "KPI達成状況", lambda cell: None)
    notes = _notes(svg, 9)
    assert [text for _x, text in notes] == chart.row_notes
    for x, text in notes:
        assert x + charts._width(text, 9) <= charts.WIDTH, text
