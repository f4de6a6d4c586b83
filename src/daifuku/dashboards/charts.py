"""Charts of the analytics area drawn on the server as self-contained SVG.

The same markup is shown inline on the page (no script, nothing to download: see
docs/adr/0009-charts.md) and rendered to PNG by resvg (``png.py``), so it carries its own
colours and font instead of relying on the page's CSS. A bar or cell with a drill-down
link is wrapped in ``<a href>``: a tap on a phone opens the customers behind it."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from .registry import Chart

WIDTH = 360
FONT = "Noto Sans JP, Hiragino Sans, Meiryo, sans-serif"
INK, MUTED, LINE, BAR, TRACK = "#1f2328", "#59636e", "#d0d7de", "#1a7f37", "#eaeef2"

Link = Callable[[object], str | None]


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(height: float, title: str) -> list[str]:
    t = escape(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'class="dash-chart" viewBox="0 0 {WIDTH} {_f(height)}" width="{WIDTH}" '
        f'height="{_f(height)}" role="img" aria-label="{t}" font-family="{FONT}" '
        f'style="width:100%;max-width:640px;height:auto"><title>{t}</title>'
        f'<rect width="{WIDTH}" height="{_f(height)}" fill="#ffffff"/>'
    ]


def _text(x, y, text, *, size=10, anchor="start", fill=INK, weight="") -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'style="fill:{fill}"{bold}>{escape(str(text))}</text>'
    )


def _linked(markup: str, href: str | None, label: str) -> str:
    if not href:
        return markup
    return f'<a href="{escape(href)}" xlink:href="{escape(href)}" aria-label="{escape(label)}">{markup}</a>'


def _nice_max(value: float) -> float:
    step = 1.0
    if value <= 0:
        return 1.0
    while step * 10 < value:
        step *= 10
    for m in (1, 2, 5, 10):
        if m * step >= value:
            return m * step
    return value


def columns(chart: Chart, title: str, link: Link) -> str:
    """Vertical bars over time; the newest bar is always labelled."""
    height, left, right, top_pad, bottom = 220, 48, 14, 22, 36
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    top = _nice_max(max([v for v in chart.values if v is not None] or [0]))
    n = max(1, len(chart.values))
    slot = plot_w / n
    every = max(1, (n + 5) // 6)
    parts = _open(height, title)
    parts.append(_text(2, 12, chart.axis_title, fill=MUTED))
    for tick in (0, top / 2, top):
        y = top_pad + plot_h - plot_h * tick / top
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{_f(y)}" y2="{_f(y)}" stroke="{LINE}"/>'
        )
        parts.append(_text(left - 4, y + 3.5, short(tick), anchor="end", fill=MUTED))
    for i, value in enumerate(chart.values):
        value = value or 0
        h = plot_h * max(0, value) / top
        x, w = left + i * slot + slot * 0.12, slot * 0.76
        y = top_pad + plot_h - h
        label = chart.labels[i] if i < len(chart.labels) else ""
        text = chart.texts[i] if i < len(chart.texts) else ""
        cell = chart.cells[i] if i < len(chart.cells) else None
        bar = f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(max(h, 0.5))}" fill="{BAR}" rx="1.5"/>'
        # a taller transparent target makes a thin bar easy to tap
        hit = f'<rect x="{_f(x)}" y="{top_pad}" width="{_f(w)}" height="{plot_h}" fill="transparent"/>'
        parts.append(
            _linked(hit + bar, link(cell) if cell is not None else None, f"{label} {text}")
        )
        if (n - 1 - i) % every == 0:
            parts.append(_text(x + w / 2, height - bottom + 14, label, anchor="middle", fill=MUTED))
            if text and n <= 12:
                parts.append(_text(x + w / 2, height - bottom + 27, text, size=8, anchor="middle"))
    parts.append("</svg>")
    return "".join(parts)


def _width(text: str, size: int) -> float:
    """About how wide ``text`` is drawn at ``size`` px: full-width characters a square,
    digits and Latin letters a little over half of one."""
    return sum(size if ord(c) > 0x2000 else size * 0.6 for c in text or "")


def bars(chart: Chart, title: str, link: Link) -> str:
    """Horizontal bars, one labelled row each; ``targets`` drawn as a dark marker."""
    label_w, row_h, pad = 110, 34, 4
    # the column right of the bars is as wide as its longest text or note (up to 160 px),
    # so 「¥6,761,544 / ¥3,000,000」 is not cut at the picture's edge
    text_w = min(160, max([92] + [_width(t, 11) for t in chart.texts]
                          + [_width(n, 9) for n in chart.row_notes]) + 10)  # fmt: skip
    plot_w = WIDTH - label_w - text_w
    scale = max([1e-9] + [v or 0 for v in chart.values] + [t or 0 for t in chart.targets])
    height = pad * 2 + row_h * max(1, len(chart.values)) + (16 if chart.note else 0)
    parts = _open(height, title)
    for i, value in enumerate(chart.values):
        y = pad + i * row_h
        label = chart.labels[i]
        short = label if len(label) <= 9 else label[:8] + "…"
        w = plot_w * max(0, value or 0) / scale
        text = chart.texts[i] if i < len(chart.texts) else ""
        cell = chart.cells[i] if i < len(chart.cells) else None
        row = (
            _text(label_w - 6, y + row_h / 2 + 4, short, size=11, anchor="end")
            + f'<rect x="{label_w}" y="{_f(y + 7)}" width="{_f(plot_w)}" height="{row_h - 14}" fill="{TRACK}" rx="3"/>'
            + f'<rect x="{label_w}" y="{_f(y + 7)}" width="{_f(w)}" height="{row_h - 14}" fill="{BAR}" rx="3"/>'
        )
        parts.append(_linked(row, link(cell) if cell is not None else None, f"{label} {text}"))
        note = chart.row_notes[i] if i < len(chart.row_notes) else ""
        parts.append(
            _text(
                label_w + plot_w + 6,
                y + row_h / 2 + (0 if note else 4),
                text,
                size=11,
                weight="600",
            )
        )
        if note:
            parts.append(_text(label_w + plot_w + 6, y + row_h / 2 + 12, note, size=9, fill=MUTED))
        target = chart.targets[i] if i < len(chart.targets) else None
        if target:
            tx = label_w + plot_w * target / scale
            parts.append(
                f'<line x1="{_f(tx)}" x2="{_f(tx)}" y1="{_f(y + 2)}" y2="{_f(y + row_h - 2)}" stroke="{INK}" stroke-width="2"/>'
            )
    if chart.note:
        parts.append(_text(label_w, height - 4, chart.note, fill=MUTED))
    parts.append("</svg>")
    return "".join(parts)


def _shade(value: float) -> str:
    """White → the bar green by share (0–1)."""
    v = max(0.0, min(1.0, value))
    base, full = (255, 255, 255), (26, 127, 55)
    r, g, b = (round(a + (c - a) * (0.12 + 0.88 * v)) for a, c in zip(base, full, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(chart: Chart, title: str, link: Link) -> str:
    """Rows (e.g. cohorts) × columns (months since); each cell shows its share in %."""
    label_w, top_pad = 64, 28
    cols = max(1, len(chart.columns))
    cell_w = (WIDTH - label_w - 4) / cols
    cell_h = 22
    height = top_pad + cell_h * max(1, len(chart.matrix)) + 18
    parts = _open(height, title)
    parts.append(_text(label_w, 12, chart.axis_title, fill=MUTED))
    every = max(1, (cols + 11) // 12)
    for k, name in enumerate(chart.columns):
        if k % every == 0:
            parts.append(
                _text(
                    label_w + k * cell_w + cell_w / 2,
                    top_pad - 4,
                    name,
                    size=8,
                    anchor="middle",
                    fill=MUTED,
                )
            )
    for i, row in enumerate(chart.matrix):
        y = top_pad + i * cell_h
        parts.append(
            _text(label_w - 4, y + cell_h / 2 + 3.5, chart.labels[i], size=9, anchor="end")
        )
        for k, value in enumerate(row):
            if value is None:
                continue
            x = label_w + k * cell_w
            cell = chart.matrix_cells[i][k] if chart.matrix_cells else None
            fill = _shade(value)
            pct = round(value * 100)
            said = chart.matrix_texts[i][k] if chart.matrix_texts else f"{pct}%"
            box = f'<rect x="{_f(x + 0.5)}" y="{_f(y + 0.5)}" width="{_f(cell_w - 1)}" height="{cell_h - 1}" fill="{fill}"/>'
            if cell_w >= 18:
                box += _text(
                    x + cell_w / 2,
                    y + cell_h / 2 + 3,
                    said if chart.matrix_texts else pct,
                    size=8,
                    anchor="middle",
                    fill="#ffffff" if value >= 0.45 else INK,
                )
            parts.append(
                _linked(
                    box,
                    link(cell) if cell is not None else None,
                    f"{chart.labels[i]} {chart.columns[k] if k < len(chart.columns) else k} {said}",
                )
            )
    if chart.note:
        parts.append(_text(label_w, height - 4, chart.note, fill=MUTED))
    parts.append("</svg>")
    return "".join(parts)


def short(value: float) -> str:
    """Axis numbers the Japanese way: 1.2万, 3億."""
    if value >= 100_000_000:
        return f"{value / 100_000_000:,.4g}億"
    if value >= 10_000:
        return f"{value / 10_000:,.0f}万" if value >= 100_000 else f"{value / 10_000:.3g}万"
    return f"{value:.3g}" if value != int(value) else f"{int(value):,}"


RENDERERS = {"columns": columns, "bars": bars, "heatmap": heatmap}


def svg(chart: Chart, title: str, link: Link | None = None) -> str:
    """The chart's SVG markup; ``link(cell)`` gives a bar's or cell's drill-down URL."""
    return RENDERERS[chart.kind](chart, str(title), link or (lambda _cell: None))
