"""The quote PDF (見積書), drawn with reportlab's built-in Japanese CID font so no font file
has to be shipped or downloaded."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "HeiseiKakuGo-W5"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _yen(value: int) -> str:
    return f"¥{value:,}"


def render_quote_pdf(quote, deal) -> bytes:
    font = _font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{_('Quote')} {quote.number}")
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    y = height - 25 * mm
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, y, "御見積書")
    y -= 14 * mm
    pdf.setFont(font, 12)
    pdf.drawString(left, y, quote.customer_name)
    pdf.setFont(font, 9)
    pdf.drawRightString(right, y, f"{_('Quote number')}: {quote.number}")
    pdf.drawRightString(right, y - 5 * mm, f"{_('Issued on')}: {quote.issued_on:%Y-%m-%d}")
    pdf.drawRightString(right, y - 10 * mm, f"{_('Valid until')}: {quote.valid_until:%Y-%m-%d}")
    y -= 10 * mm
    pdf.setFont(font, 10)
    pdf.drawString(left, y, f"{_('Subject')}: {deal.title}"[:80])
    y -= 12 * mm
    pdf.setFont(font, 14)
    pdf.drawString(left, y, f"{_('Total (tax included)')}  {_yen(quote.total)}")
    y -= 12 * mm
    columns = (left, left + 95 * mm, left + 115 * mm, left + 140 * mm)
    pdf.setFont(font, 9)
    pdf.setFillColor(colors.HexColor("#eeeeee"))
    pdf.rect(left, y - 2 * mm, right - left, 7 * mm, stroke=0, fill=1)
    pdf.setFillColor(colors.black)
    for x, label in zip(columns, (_("Item"), _("Quantity"), _("Unit price"), _("Amount")), strict=True):
        pdf.drawString(x + 1 * mm, y, label)
    y -= 8 * mm
    for line in quote.lines:
        if y < 50 * mm:
            pdf.showPage()
            pdf.setFont(font, 9)
            y = height - 25 * mm
        marker = " ※" if line["tax_rate"] == 8 else ""
        pdf.drawString(columns[0] + 1 * mm, y, f"{line['name'][:48]}{marker}")
        pdf.drawRightString(columns[2] - 2 * mm, y, f"{line['quantity']:,}")
        pdf.drawRightString(columns[3] - 2 * mm, y, _yen(line["unit_price"]))
        pdf.drawRightString(right - 1 * mm, y, _yen(line["total"]))
        pdf.line(left, y - 2 * mm, right, y - 2 * mm)
        y -= 7 * mm
    y -= 3 * mm
    rows = [(_("Subtotal"), quote.subtotal)]
    for part in quote.tax_breakdown:
        rows.append((_("%(rate)s%% taxable") % {"rate": part["rate"]}, part["taxable"]))
        rows.append((_("Consumption tax (%(rate)s%%)") % {"rate": part["rate"]}, part["tax"]))
    rows.append((_("Total"), quote.total))
    for label, value in rows:
        pdf.drawString(columns[2], y, label)
        pdf.drawRightString(right - 1 * mm, y, _yen(value))
        y -= 6 * mm
    y -= 4 * mm
    pdf.setFont(font, 8)
    if any(line["tax_rate"] == 8 for line in quote.lines):
        pdf.drawString(left, y, _("※ marks items at the reduced tax rate (8%)."))
        y -= 5 * mm
    pdf.drawString(left, y, _("Consumption tax is computed once per tax rate on this quote; fractions of a yen are rounded down."))
    if quote.notes:
        y -= 8 * mm
        pdf.setFont(font, 9)
        for text_line in quote.notes.splitlines()[:10]:
            pdf.drawString(left, y, text_line[:90])
            y -= 5 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
