"""Small charts drawn on the server as inline SVG: no script, no CDN, readable on a phone.

Each function returns markup for a ``<svg class="chart" role="img">`` with a ``<title>``
(what a screen reader says), axis labels and the value written on every bar, so a figure
never appears without saying what it counts. The drawing is in a fixed coordinate space
(``viewBox``) sized for a phone column; the page's CSS lets it scale to its panel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360


@dataclass(frozen=True)
class Bar:
    """One bar: ``label`` under or beside it, ``value`` its length, ``text`` what is
    written on it (e.g. "12件"), ``note`` a second, quieter text (e.g. "60%"),
    ``target`` a marker line (e.g. the goal) on the same scale."""

    label: str
    value: int
    text: str
    note: str = ""
    target: int | None = None


def _svg(template: str, *args) -> SafeString:
    """``format_html`` with coordinates rounded to a tenth (shorter markup)."""
    return format_html(template, *(f"{a:.1f}" if isinstance(a, float) else a for a in args))


def _nice_max(value: int) -> int:
    """The smallest 1/2/5 × 10ⁿ at or above ``value`` (at least 1), for the axis."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return max(1, m * step)
        step *= 10


def column_chart(
    bars: Sequence[Bar], *, title: str, axis_title: str, label_every: int = 1, height: int = 200
) -> SafeString:
    """Vertical bars over time (e.g. touches per day). The y axis is labelled at 0, half
    and the top, ``axis_title`` (e.g. "件数") says what it counts; each non-zero bar
    carries its value."""
    top = _nice_max(max((b.value for b in bars), default=0))
    left, right, top_pad, bottom = 34, 16, 24, 34
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    slot = plot_w / max(1, len(bars))
    parts = [
        _svg(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>',
            WIDTH,
            height,
            title,
            title,
        ),
        _svg('<text class="muted-text" x="2" y="11" font-size="10">{}</text>', axis_title),
    ]
    for tick in (0, top // 2 if top % 2 == 0 else None, top):
        if tick is None:
            continue
        y = top_pad + plot_h - plot_h * tick / top
        parts.append(
            _svg(
                '<line class="axis" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="muted-text" x="{}" y="{}" text-anchor="end" font-size="10">{}</text>',
                left,
                WIDTH - right,
                y,
                y,
                left - 4,
                y + 3.5,
                tick,
            )
        )
    for i, b in enumerate(bars):
        h = plot_h * b.value / top
        x = left + i * slot + slot * 0.15
        w = slot * 0.7
        y = top_pad + plot_h - h
        parts.append(
            _svg('<rect x="{}" y="{}" width="{}" height="{}" fill="#1a7f37" rx="1.5"/>', x, y, w, h)
        )
        if b.value:
            parts.append(
                _svg(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="10">{}</text>',
                    x + w / 2,
                    y - 3,
                    b.text,
                )
            )
        if (
            len(bars) - 1 - i
        ) % label_every == 0:  # counted from the newest, which is always labelled
            parts.append(
                _svg(
                    '<text class="muted-text" x="{}" y="{}" text-anchor="middle" font-size="10">{}</text>',
                    x + w / 2,
                    height - bottom + 14,
                    b.label,
                )
            )
        if b.note and (len(bars) - 1 - i) % label_every == 0:
            parts.append(
                _svg(
                    '<text class="muted-text" x="{}" y="{}" text-anchor="middle" font-size="9">{}</text>',
                    x + w / 2,
                    height - bottom + 26,
                    b.note,
                )
            )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def bar_chart(
    bars: Sequence[Bar], *, title: str, maximum: int | None = None, target_text: str = ""
) -> SafeString:
    """Horizontal bars, one labelled row each (e.g. a funnel's stages, each rep's touches
    against the goal). ``target`` markers are drawn as a dark line; ``target_text`` says
    what the line means, under the chart."""
    label_w, text_w, row_h, pad = 96, 100, 38, 4
    scale = maximum or max([1] + [max(b.value, b.target or 0) for b in bars])
    plot_w = WIDTH - label_w - text_w
    height = pad * 2 + row_h * max(1, len(bars)) + (16 if target_text else 0)
    parts = [
        _svg(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>',
            WIDTH,
            height,
            title,
            title,
        )
    ]
    for i, b in enumerate(bars):
        y = pad + i * row_h
        w = plot_w * min(b.value, scale) / scale if scale else 0
        label = b.label if len(b.label) <= 8 else b.label[:7] + "…"
        parts.append(
            _svg(
                '<text x="{}" y="{}" text-anchor="end" font-size="12"><title>{}</title>{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#eaeef2" rx="3"/>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#1a7f37" rx="3"/>'
                '<text x="{}" y="{}" font-size="12" font-weight="600">{}</text>',
                label_w - 6,
                y + row_h / 2 + 4,
                b.label,
                label,
                label_w,
                y + 7,
                plot_w,
                row_h - 14,
                label_w,
                y + 7,
                w,
                row_h - 14,
                label_w + plot_w + 6,
                y + row_h / 2 + (-1 if b.note else 4),
                b.text,
            )
        )
        if b.note:
            parts.append(
                _svg(
                    '<text class="muted-text" x="{}" y="{}" font-size="10">{}</text>',
                    label_w + plot_w + 6,
                    y + row_h / 2 + 12,
                    b.note,
                )
            )
        if b.target:
            tx = label_w + plot_w * min(b.target, scale) / scale
            parts.append(
                _svg(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#1f2328" stroke-width="2"/>',
                    tx,
                    tx,
                    y + 2,
                    y + row_h - 2,
                )
            )
    if target_text:
        parts.append(
            _svg(
                '<text class="muted-text" x="{}" y="{}" font-size="10">{}</text>',
                label_w,
                height - 4,
                "│ " + target_text,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


__all__ = ["Bar", "bar_chart", "column_chart"]
