"""The Japanese font embedded in quote PDFs.

reportlab's built-in CID fonts (HeiseiKakuGo …) are only *named* in the PDF: each viewer
substitutes a font of its own, and with Japanese encodings most of them draw ¥ (U+00A5)
as a backslash. So every PDF embeds a subset of Noto Sans JP (SIL OFL 1.1, shipped by the
``pylopdf-fonts-jp`` package) holding just the characters the document uses.

reportlab embeds only TrueType outlines, and Noto Sans JP comes with CFF (PostScript)
outlines: fontTools cuts the font down to the document's characters (≈ 0.4 s) and converts
that handful of glyphs to TrueType quadratic curves (a few ms) before reportlab embeds it.
"""

from __future__ import annotations

import functools
import io
import itertools
import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_counter = itertools.count(1)
_lock = threading.Lock()
# Always in the subset, so labels, digits and punctuation never depend on the data.
BASE_CHARACTERS = "".join(chr(c) for c in range(0x20, 0x7F)) + "¥円※〒・（）「」、。－−△▲"


@functools.cache
def _font_bytes() -> bytes:
    from pylopdf_fonts_jp import sans_path

    return sans_path().read_bytes()


def _to_truetype(font) -> None:
    """Replace the CFF outlines of ``font`` (a fontTools TTFont) by TrueType ``glyf``
    outlines — fontTools' documented otf2ttf recipe."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    metrics = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            metrics[name] = (metrics[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attribute in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
    ):
        setattr(maxp, attribute, 0)
    maxp.maxComponentElements = max(
        (len(getattr(g, "components", []) or []) for g in glyphs.values()), default=0
    )
    maxp.compile(font)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"


def subset_truetype(text: str) -> bytes:
    """A TrueType font with the glyphs of ``text`` (plus the base characters)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont as ToolsFont

    font = ToolsFont(io.BytesIO(_font_bytes()))
    options = subset.Options()
    options.layout_features = []  # no vertical forms or ligatures: horizontal text only
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=BASE_CHARACTERS + text)
    subsetter.subset(font)
    _to_truetype(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class EmbeddedFont:
    """``with EmbeddedFont(text) as name:`` registers the subset for one document under a
    name of its own (two quotes rendered at once never share one) and forgets it afterwards,
    so a long-running server does not keep one font per quote ever issued."""

    def __init__(self, text: str):
        self.text = text
        self.name = ""

    def __enter__(self) -> str:
        self.name = f"NotoSansJP-{next(_counter)}"
        font = TTFont(self.name, io.BytesIO(subset_truetype(self.text)))
        with _lock:
            # Not pdfmetrics.registerFont: it hands out the font registered first under the
            # same face name (NotoSansJP-Regular) — the previous document's subset, without
            # this document's characters. canvas.setFont finds a font in this dict.
            pdfmetrics._fonts[self.name] = font
        return self.name

    def __exit__(self, *exc) -> None:
        with _lock:
            # reportlab has no public unregister; its registry is this plain dict.
            pdfmetrics._fonts.pop(self.name, None)
