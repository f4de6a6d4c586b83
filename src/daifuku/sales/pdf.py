"""The quote PDF (御見積書) with the display items of a qualified invoice (適格請求書):
issuer name and registration number, date, recipient (御中 / 様), the items with the
reduced-rate ones marked ※, the totals and the consumption tax per tax rate.

The page is first laid out into a list of drawing operations; the Japanese font embedded
in the file is then cut down to exactly the characters drawn (sales.pdf_font) and the
operations are replayed onto the canvas.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from .pdf_font import EmbeddedFont

WIDTH, HEIGHT = A4
LEFT, RIGHT = 18 * mm, WIDTH - 18 * mm
BOTTOM = 22 * mm
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")
HEAD = colors.HexColor("#eeeeee")
# Right edges of the figure columns: each header is right-aligned on the same edge as the
# figures under it, so "金額" sits exactly over the amounts.
COLUMNS = {
    "quantity": LEFT + 108 * mm,
    "unit_price": LEFT + 136 * mm,
    "rate": LEFT + 151 * mm,
    "amount": RIGHT - 2 * mm,
}
NAME_WIDTH = 84 * mm


def yen(value: int) -> str:
    """¥1,234 — a discount as -¥1,234."""
    return f"-¥{-value:,}" if value < 0 else f"¥{value:,}"


def japanese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def text_width(text: str, size: float) -> float:
    """Width of ``text`` in points, close enough to wrap lines before the font exists:
    full-width characters are one em, the others about half (Noto Sans JP's metrics)."""
    return sum(size if unicodedata.east_asian_width(c) in "WFA" else size * 0.55 for c in text)


def wrap(text: str, size: float, width: float, max_lines: int = 3) -> list[str]:
    lines: list[str] = []
    for paragraph in (text or "").splitlines() or [""]:
        current = ""
        for char in paragraph:
            if text_width(current + char, size) > width:
                lines.append(current)
                current = char
            else:
                current += char
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


@dataclass
class Sheet:
    """The pages of one document as drawing operations, and every character they draw."""

    ops: list[tuple] = field(default_factory=list)
    pages: int = 1

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 9,
        align: str = "left",
        color=colors.black,
    ):
        self.ops.append(("text", x, y, str(text), size, align, color))

    def line(
        self, x1: float, y1: float, x2: float, y2: float, color=RULE, width: float = 0.5, dash=None
    ):
        self.ops.append(("line", x1, y1, x2, y2, color, width, dash))

    def rect(self, x: float, y: float, w: float, h: float, fill=None, stroke=None, dash=None):
        self.ops.append(("rect", x, y, w, h, fill, stroke, dash))

    def image(self, data: bytes, x: float, y: float, w: float, h: float):
        self.ops.append(("image", data, x, y, w, h))

    def new_page(self):
        self.ops.append(("page",))
        self.pages += 1

    def characters(self) -> str:
        return "".join(sorted({c for op in self.ops if op[0] == "text" for c in op[3]}))

    def render(self, title: str) -> bytes:
        buffer = io.BytesIO()
        with EmbeddedFont(self.characters()) as font:
            # initialFontName: no Helvetica (a font the viewer substitutes) in the page resources
            pdf = canvas.Canvas(
                buffer, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=9
            )
            pdf.setTitle(title)
            for op in self.ops:
                kind = op[0]
                if kind == "text":
                    _kind, x, y, text, size, align, color = op
                    pdf.setFillColor(color)
                    pdf.setFont(font, size)
                    {
                        "left": pdf.drawString,
                        "right": pdf.drawRightString,
                        "center": pdf.drawCentredString,
                    }[align](x, y, text)
                elif kind == "line":
                    _kind, x1, y1, x2, y2, color, width, dash = op
                    pdf.setStrokeColor(color)
                    pdf.setLineWidth(width)
                    pdf.setDash(*(dash or ((), 0)))
                    pdf.line(x1, y1, x2, y2)
                elif kind == "rect":
                    _kind, x, y, w, h, fill, stroke, dash = op
                    pdf.setDash(*(dash or ((), 0)))
                    if fill is not None:
                        pdf.setFillColor(fill)
                    if stroke is not None:
                        pdf.setStrokeColor(stroke)
                        pdf.setLineWidth(0.5)
                    pdf.rect(x, y, w, h, stroke=int(stroke is not None), fill=int(fill is not None))
                    pdf.setDash((), 0)
                elif kind == "image":
                    _kind, data, x, y, w, h = op
                    pdf.drawImage(
                        ImageReader(io.BytesIO(data)),
                        x,
                        y,
                        w,
                        h,
                        preserveAspectRatio=True,
                        anchor="c",
                        mask="auto",
                    )
                elif kind == "page":
                    pdf.showPage()
            pdf.showPage()
            pdf.save()
        return buffer.getvalue()


def _seal_bytes(issuer) -> bytes | None:
    if issuer is None or not issuer.seal:
        return None
    try:
        with issuer.seal.open("rb") as handle:
            return handle.read()
    except OSError:  # the file went missing: print the empty seal box rather than fail
        return None


def _head(sheet: Sheet, quote, deal, issuer) -> float:
    """Title, recipient, subject and total on the left; number, dates, issuer and seal box
    on the right. Returns the y below the lower of the two blocks."""
    top = HEIGHT - 22 * mm
    sheet.text(WIDTH / 2, top, "御　見　積　書", 20, "center")
    y = top - 10 * mm
    for label, value in (
        (_("Quote number"), quote.number),
        (_("Issued on"), japanese_date(quote.issued_on)),
        (_("Valid until"), japanese_date(quote.valid_until)),
    ):
        sheet.text(RIGHT - 34 * mm, y, label, 8.5, "right", GREY)
        sheet.text(RIGHT, y, value, 8.5, "right")
        y -= 4.6 * mm
    # left: to whom and how much
    y_left = top - 26 * mm
    sheet.text(LEFT, y_left, quote.customer_name, 14)
    sheet.line(LEFT, y_left - 2 * mm, LEFT + 95 * mm, y_left - 2 * mm, colors.black, 0.8)
    y_left -= 9 * mm
    for line in wrap(f"{pgettext('quote', 'Subject')}: {deal.title}", 9.5, 95 * mm, 2):
        sheet.text(LEFT, y_left, line, 9.5)
        y_left -= 5 * mm
    sheet.text(LEFT, y_left, _("We are pleased to quote as follows."), 9)
    y_left -= 11 * mm
    sheet.rect(LEFT, y_left - 3 * mm, 95 * mm, 10 * mm, stroke=colors.black)
    sheet.text(LEFT + 3 * mm, y_left, _("Total (tax included)"), 10)
    sheet.text(LEFT + 92 * mm, y_left, yen(quote.total), 14, "right")
    y_left -= 8 * mm
    # right: the issuer (適格請求書発行事業者) and the seal box
    x = LEFT + 104 * mm
    y_right = top - 28 * mm
    seal_size = 20 * mm
    seal_x, seal_y = RIGHT - seal_size, y_right - seal_size + 6 * mm
    sheet.rect(seal_x, seal_y, seal_size, seal_size, stroke=RULE, dash=((2, 2), 0))
    seal = _seal_bytes(issuer)
    if seal:
        sheet.image(seal, seal_x + 1 * mm, seal_y + 1 * mm, seal_size - 2 * mm, seal_size - 2 * mm)
    else:
        sheet.text(
            seal_x + seal_size / 2, seal_y + seal_size / 2 - 1.5 * mm, "印", 9, "center", RULE
        )
    text_width_mm = seal_x - x - 2 * mm
    if issuer is not None and issuer.name:
        for line in wrap(issuer.name, 11, text_width_mm, 2):
            sheet.text(x, y_right, line, 11)
            y_right -= 5.5 * mm
        small = [f"{issuer.postal_code_display}" if issuer.postal_code else ""]
        street = f"{issuer.prefecture}{issuer.city}{issuer.address_line}"
        small += wrap(street, 8.5, text_width_mm, 2) if street else []
        small += wrap(issuer.building, 8.5, text_width_mm, 1) if issuer.building else []
        if issuer.phone:
            small.append(f"TEL {issuer.phone}")
        if issuer.email:
            small.append(issuer.email)
        for line in (s for s in small if s):
            sheet.text(x, y_right, line, 8.5)
            y_right -= 4.3 * mm
    if issuer is not None and issuer.registration_number:
        sheet.text(x, y_right, f"{_('Registration number')}: {issuer.registration_number}", 8.5)
        y_right -= 4.3 * mm
    if deal.owner_id:
        sheet.text(x, y_right, f"{_('Person in charge')}: {deal.owner}", 8.5)
        y_right -= 4.3 * mm
    return min(y_left, y_right, seal_y) - 6 * mm


def _table_header(sheet: Sheet, y: float) -> float:
    sheet.rect(LEFT, y - 2.2 * mm, RIGHT - LEFT, 7 * mm, fill=HEAD)
    sheet.text(LEFT + 2 * mm, y, _("Item"), 9)
    for key, label in (
        ("quantity", _("Quantity")),
        ("unit_price", _("Unit price")),
        ("rate", _("Tax rate")),
        ("amount", _("Amount")),
    ):
        sheet.text(COLUMNS[key], y, label, 9, "right")
    return y - 7.5 * mm


def _lines(sheet: Sheet, quote, y: float) -> float:
    y = _table_header(sheet, y)
    for line in quote.lines:
        reduced = line["tax_rate"] == 8
        name = f"{line['name']}{' ※' if reduced else ''}"
        wrapped = wrap(name, 9, NAME_WIDTH, 3)
        if y - 4.5 * mm * (len(wrapped) - 1) < BOTTOM + 10 * mm:
            sheet.new_page()
            y = _table_header(sheet, HEIGHT - 20 * mm)
        for index, text in enumerate(wrapped):
            sheet.text(LEFT + 2 * mm, y - index * 4.5 * mm, text, 9)
        sheet.text(COLUMNS["quantity"], y, f"{line['quantity']:,}", 9, "right")
        sheet.text(COLUMNS["unit_price"], y, yen(line["unit_price"]), 9, "right")
        sheet.text(COLUMNS["rate"], y, f"{line['tax_rate']}%", 9, "right")
        sheet.text(COLUMNS["amount"], y, yen(line["total"]), 9, "right")
        y -= 4.5 * mm * (len(wrapped) - 1)
        sheet.line(LEFT, y - 2.2 * mm, RIGHT, y - 2.2 * mm)
        y -= 6.5 * mm
    return y


def _totals(sheet: Sheet, quote, y: float) -> float:
    """Per tax rate: the taxable amount and its consumption tax (適格請求書の記載事項)."""
    rows = [(_("Subtotal (before tax)"), quote.subtotal, False)]
    for part in quote.tax_breakdown:
        rows.append((_("%(rate)s%% taxable") % {"rate": part["rate"]}, part["taxable"], False))
        rows.append(
            (_("Consumption tax (%(rate)s%%)") % {"rate": part["rate"]}, part["tax"], False)
        )
    rows.append((_("Total (tax included)"), quote.total, True))
    needed = 6 * mm * len(rows) + 20 * mm
    if y - needed < BOTTOM:
        sheet.new_page()
        y = HEIGHT - 20 * mm
    label_x = LEFT + 100 * mm
    for label, value, strong in rows:
        if strong:
            sheet.line(label_x, y + 4.2 * mm, RIGHT, y + 4.2 * mm, colors.black, 0.8)
        size = 10.5 if strong else 9
        sheet.text(label_x, y, label, size)
        sheet.text(COLUMNS["amount"], y, yen(value), size, "right")
        y -= 6 * mm
    return y - 2 * mm


def _footnotes(sheet: Sheet, quote, y: float) -> None:
    notes = []
    if any(line["tax_rate"] == 8 for line in quote.lines):
        notes.append(_("※ marks items at the reduced tax rate (8%)."))
    notes.append(
        _(
            "Consumption tax is computed once per tax rate on this quote; fractions of a yen are rounded down."
        )
    )
    for text in notes:
        for line in wrap(text, 8, RIGHT - LEFT, 2):
            sheet.text(LEFT, y, line, 8, color=GREY)
            y -= 4.2 * mm
    if quote.notes:
        y -= 3 * mm
        lines = wrap(quote.notes, 9, RIGHT - LEFT - 6 * mm, 12)
        if y - 5 * mm * (len(lines) + 1) < BOTTOM:
            sheet.new_page()
            y = HEIGHT - 20 * mm
        sheet.text(LEFT, y, pgettext("quote", "Notes"), 9)
        y -= 2.5 * mm
        box_height = 5 * mm * len(lines) + 3 * mm
        sheet.rect(LEFT, y - box_height, RIGHT - LEFT, box_height, stroke=RULE)
        y -= 5 * mm
        for line in lines:
            sheet.text(LEFT + 3 * mm, y, line, 9)
            y -= 5 * mm


def _page_numbers(sheet: Sheet, quote) -> None:
    """ "Q-2026-0001 1 / 2" at the foot of every page once the page count is known."""
    if sheet.pages == 1:
        return
    ops, page = [], 1
    for op in sheet.ops + [("page",)]:
        if op[0] == "page":
            ops.append(
                (
                    "text",
                    RIGHT,
                    12 * mm,
                    f"{quote.number}  {page} / {sheet.pages}",
                    8,
                    "right",
                    GREY,
                )
            )
            page += 1
        ops.append(op)
    sheet.ops = ops[:-1]


def layout_quote(quote, deal, issuer=None) -> Sheet:
    """The pages of the quote as drawing operations (in Japanese, see render_quote_pdf)."""
    with translation.override("ja"):
        sheet = Sheet()
        y = _head(sheet, quote, deal, issuer)
        y = _lines(sheet, quote, y)
        y = _totals(sheet, quote, y - 2 * mm)
        _footnotes(sheet, quote, y)
        _page_numbers(sheet, quote)
        return sheet


def render_quote_pdf(quote, deal, issuer=None) -> bytes:
    """The quote as a PDF, always in Japanese (a document sent to a Japanese customer,
    whatever the language of the person who issued it). ``issuer`` is the organisation
    profile (accounts.OrganizationProfile); without one the issuer block stays empty."""
    with translation.override("ja"):
        return layout_quote(quote, deal, issuer).render(f"{_('Quote')} {quote.number}")
