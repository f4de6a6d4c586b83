"""The analytics area (分析): every figure on one page, one figure with its table, and each
figure's data as CSV and picture as PNG."""

from __future__ import annotations

import csv
import io
import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import charts, png, registry, selection


def _figure(request, key: str) -> registry.Figure:
    figure = registry.get(key)
    if figure is None or (figure.visible is not None and not figure.visible(request.user)):
        raise Http404
    return figure


# columns holding a share (0–1) the table shows in %: cohort months (m0, m1 …), rates,
# the support and confidence of a co-purchase pair
SHARE_COLUMN = re.compile(r"m\d+|rate|support|confidence")
MONTH = re.compile(r"(\d{4})-(\d{2})")


def _cell(key: str, value) -> str:
    """A value of the figure's table as a reader expects it (the CSV keeps the raw value):
    0.3333 → 33.3%, 11816200 → 11,816,200, 2026-03 → 2026年3月."""
    if isinstance(value, bool) or value is None or value == "":
        return "" if value in (None, "") else str(value)
    if isinstance(value, str):
        month = MONTH.fullmatch(value)
        if month:
            return _("%(year)d/%(month)d") % {"year": int(month[1]), "month": int(month[2])}
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if SHARE_COLUMN.fullmatch(key):
        return f"{number * 100:.1f}%"
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.2f}"


def _shown(figure: registry.Figure, user, params: dict, cache: dict) -> dict:
    result = registry.run(figure, user, params, cache)

    def link(cell):
        return selection.link(figure, params, cell) if figure.drill else None

    picture = charts.svg(result.chart, figure.title, link) if result.chart else ""
    drills = _drills(result.chart, link) if result.chart and figure.drill else []
    # on a phone the bars and cells are too small to tap: the chart without links, and
    # the same drill-downs as a list of 44 px targets below it
    plain = charts.svg(result.chart, figure.title) if drills else ""
    return {
        "figure": figure,
        "params": params,
        "result": result,
        "svg": mark_safe(picture),  # built by charts.py, every text escaped
        "svg_plain": mark_safe(plain),
        "drills": drills,
        "table": [
            [_cell(key, row.get(key, "")) for key, _label in result.columns] for row in result.rows
        ],
        "query": "&".join(f"{k}={v}" for k, v in params.items()),
    }


def _drills(chart: registry.Chart, link) -> list[dict]:
    """The chart's drill-downs as a list: ``{"label", "text", "href"}`` per bar, or per
    heatmap row ``{"label", "cells": [{"label", "text", "href"}]}``."""
    if chart.kind == "heatmap":
        rows = []
        for i, label in enumerate(chart.labels):
            cells = []
            for k, cell in enumerate(chart.matrix_cells[i] if i < len(chart.matrix_cells) else []):
                value = chart.matrix[i][k] if k < len(chart.matrix[i]) else None
                if cell is None or value is None:
                    continue
                text = chart.matrix_texts[i][k] if chart.matrix_texts else f"{round(value * 100)}%"
                column = chart.columns[k] if k < len(chart.columns) else str(k)
                cells.append({"label": column, "text": text, "href": link(cell)})
            if cells:
                rows.append({"label": label, "cells": cells})
        return rows
    return [
        {
            "label": label,
            "text": chart.texts[i] if i < len(chart.texts) else "",
            "href": link(chart.cells[i]),
        }
        for i, label in enumerate(chart.labels)
        if i < len(chart.cells) and chart.cells[i] is not None
    ]


@login_required
def home(request):
    cache: dict = {}
    shown = [
        _shown(f, request.user, registry.parse_params(f, request.GET), cache)
        for f in registry.figures(request.user)
    ]
    sections = []
    for item in shown:
        key = item["figure"].section
        if not sections or sections[-1]["key"] != key:
            sections.append({"key": key, "title": registry.SECTIONS.get(key, key), "items": []})
        sections[-1]["items"].append(item)
    return render(request, "dashboards/home.html", {"sections": sections})


@login_required
def figure_detail(request, key: str):
    figure = _figure(request, key)
    context = _shown(figure, request.user, registry.parse_params(figure, request.GET), {})
    return render(request, "dashboards/figure.html", context)


def _filename(figure: registry.Figure, ext: str) -> str:
    return f"{figure.key}-{timezone.localdate():%Y%m%d}.{ext}"


@login_required
def figure_csv(request, key: str):
    """The figure's rows as CSV in UTF-8 with a BOM (Excel opens it as Japanese text)."""
    figure = _figure(request, key)
    result = registry.run(figure, request.user, registry.parse_params(figure, request.GET))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(label) for _key, label in result.columns])
    for row in result.rows:
        writer.writerow([row.get(key, "") for key, _label in result.columns])
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(figure, "csv")}"'
    return response


@login_required
def figure_png(request, key: str):
    figure = _figure(request, key)
    result = registry.run(figure, request.user, registry.parse_params(figure, request.GET))
    if result.chart is None:
        raise Http404
    body = png.render(charts.svg(result.chart, figure.title))
    response = HttpResponse(body, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{_filename(figure, "png")}"'
    return response
