"""A chart's SVG as a PNG picture (for slides and mail), rendered on the server by resvg
(the ``resvg-py`` wheel from PyPI: no browser, no system library) with the Noto Sans JP
font that ships in ``pylopdf-fonts-jp``, so Japanese labels print the same everywhere."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import resvg_py

ZOOM = 2  # 720 px wide: sharp on a slide or a phone's screen


@cache
def _fonts() -> list[str]:
    import pylopdf_fonts_jp

    folder = Path(pylopdf_fonts_jp.__file__).parent
    return [str(p) for p in sorted(folder.glob("NotoSans*.otf"))]


def render(svg: str, *, zoom: float = ZOOM) -> bytes:
    """PNG bytes of ``svg`` (the links are dropped: a picture cannot be clicked)."""
    flat = re.sub(r"</?a\b[^>]*>", "", svg)
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=flat,
            font_files=_fonts(),
            skip_system_fonts=True,
            font_family="Noto Sans JP",
            sans_serif_family="Noto Sans JP",
            background="#ffffff",
            zoom=zoom,
        )
    )
