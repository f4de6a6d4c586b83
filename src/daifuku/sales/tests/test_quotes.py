"""Quotes for Japan: embedded Japanese font (¥ stays ¥), the issuer block and the
qualified-invoice display items, aligned columns, discount lines (値引き)."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.test import Client
from django.urls import reverse

from daifuku.core.errors import DomainError, ValidationFailed
from daifuku.sales import services
from daifuku.sales.models import Deal

pytestmark = pytest.mark.django_db

NTA = "T7000012050002"


@pytest.fixture
def issuer(admin):
    from daifuku.accounts.services_organization import update_organization_profile

    return update_organization_profile(
        actor=admin,
        data={
            "name": "株式会社大福商事",
            "postal_code": "1000005",
            "prefecture": "東京都",
            "city": "千代田区",
            "address_line": "丸の内1-1-1",
            "building": "大福ビル3F",
            "phone": "03-1234-5678",
            "registration_number": NTA,
        },
    )


@pytest.fixture
def quoted_deal(rep, make_deal):
    """10% items, a 10% discount and a reduced-rate (8%) item."""
    deal = make_deal(rep, amount=0)
    services.add_line_item(
        actor=rep, deal=deal, data={"name": "導入支援", "quantity": 1, "unit_price": 100_000}
    )
    services.add_line_item(
        actor=rep, deal=deal, data={"name": "値引き", "quantity": 1, "unit_price": "▲10,000"}
    )
    services.add_line_item(
        actor=rep,
        deal=deal,
        data={"name": "お茶菓子", "quantity": 3, "unit_price": 1_080, "tax_category": "reduced"},
    )
    return deal


def _pdf(quote):
    from pypdf import PdfReader

    with quote.pdf.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def _fonts(reader):
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            found.append(
                (
                    str(font["/BaseFont"]),
                    str(font["/Subtype"]),
                    any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")),
                )
            )
    return found


def test_pdf_embeds_a_japanese_font_and_yen_is_the_yen_sign(rep, quoted_deal, issuer):
    quote = services.issue_quote(actor=rep, deal=quoted_deal, issued_on=dt.date(2026, 5, 1))
    reader = _pdf(quote)
    fonts = _fonts(reader)
    assert fonts and all(embedded for _name, _kind, embedded in fonts), fonts
    assert not any("Heisei" in name for name, _kind, _e in fonts)  # no viewer-substituted CID font
    text = reader.pages[0].extract_text()
    assert "¥102,499" in text and "\\" not in text
    assert "御" in text and "見積書" in text.replace("　", "").replace(" ", "")


def test_embedded_font_draws_yen_with_the_yen_glyph(rep, quoted_deal):
    """The ¥ of the page is drawn with the font's own yen glyph, not the backslash one."""
    from fontTools.ttLib import TTFont

    from daifuku.sales.pdf_font import subset_truetype

    font = TTFont(io.BytesIO(subset_truetype("¥\\")))
    cmap = font.getBestCmap()
    assert cmap[0xA5] != cmap[0x5C]
    glyphs = font.getGlyphSet()
    assert glyphs[cmap[0xA5]].width > 0 and "glyf" in font and "CFF " not in font


def test_qualified_invoice_items_and_issuer_block(rep, quoted_deal, issuer):
    quote = services.issue_quote(actor=rep, deal=quoted_deal, issued_on=dt.date(2026, 5, 1))
    text = _pdf(quote).pages[0].extract_text()
    for expected in (
        "株式会社大福商事",
        "〒100-0005",
        "東京都千代田区丸の内1-1-1",
        "大福ビル3F",
        "TEL 03-1234-5678",
        f"登録番号: {NTA}",
        "担当: 営業 一郎",
        "株式会社山田製作所 御中",
        "2026年5月1日",
        "お茶菓子 ※",
        "10%対象",
        "8%対象",
        "消費税（10%）",
        "消費税（8%）",
        "※は軽減税率",
        "-¥10,000",
        "¥90,000",
        "¥9,000",
        "¥3,240",
        "¥259",
        "印",
    ):
        assert expected in text, expected
    assert quote.tax_breakdown == [
        {"rate": 10, "taxable": 90_000, "tax": 9_000},
        {"rate": 8, "taxable": 3_240, "tax": 259},
    ]  # rounded down once per rate
    assert (quote.subtotal, quote.tax, quote.total) == (93_240, 9_259, 102_499)


def test_person_recipient_is_addressed_with_sama(rep, make_deal, person, pipeline):
    deal = make_deal(rep, company_id=None, person_id=person.pk)
    services.add_line_item(actor=rep, deal=deal, data={"name": "保守", "unit_price": 5_000})
    quote = services.issue_quote(actor=rep, deal=deal)
    assert "山田 花子 様" in _pdf(quote).pages[0].extract_text()


def test_column_headers_are_right_aligned_over_their_figures(rep, quoted_deal, issuer):
    from daifuku.sales.pdf import layout_quote

    quote = services.issue_quote(actor=rep, deal=quoted_deal, issued_on=dt.date(2026, 5, 1))
    texts = [
        op
        for op in layout_quote(quote, Deal.objects.get(pk=quoted_deal.pk), issuer).ops
        if op[0] == "text"
    ]
    headers = [
        next(op for op in texts if op[3] == label) for label in ("数量", "単価", "税率", "金額")
    ]
    assert all(op[5] == "right" for op in headers)
    edges = [op[1] for op in headers]
    assert edges == sorted(edges)
    expected = {
        "導入支援": ["1", "¥100,000", "10%", "¥100,000"],
        "値引き": ["1", "-¥10,000", "10%", "-¥10,000"],
        "お茶菓子 ※": ["3", "¥1,080", "8%", "¥3,240"],
    }
    for name, figures in expected.items():
        row_y = next(op[2] for op in texts if op[3] == name)
        row = sorted(
            (op for op in texts if op[2] == row_y and op[5] == "right"), key=lambda op: op[1]
        )
        assert [(op[1], op[3]) for op in row] == list(zip(edges, figures, strict=True)), name


def test_seal_image_is_drawn_in_the_seal_box(rep, quoted_deal, admin, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from daifuku.accounts.services_organization import update_organization_profile

    out = io.BytesIO()
    Image.new("RGB", (60, 60), (200, 30, 30)).save(out, format="PNG")
    update_organization_profile(
        actor=admin,
        data={"name": "株式会社大福商事"},
        seal=SimpleUploadedFile("seal.png", out.getvalue()),
    )
    page = _pdf(services.issue_quote(actor=rep, deal=quoted_deal)).pages[0]
    assert len(page.images) == 1


def test_long_quotes_continue_on_a_second_page_with_the_header_again(rep, make_deal, issuer):
    deal = make_deal(rep, amount=0)
    for number in range(45):
        services.add_line_item(
            actor=rep, deal=deal, data={"name": f"部品 {number + 1}", "unit_price": 1_000}
        )
    reader = _pdf(services.issue_quote(actor=rep, deal=deal))
    assert len(reader.pages) == 2
    second = reader.pages[1].extract_text()
    assert "金額" in second and "部品 45" in second and "2 / 2" in second


def test_discount_lines_are_accepted_but_not_below_zero(rep, make_deal):
    deal = make_deal(rep, amount=0)
    item = services.add_line_item(
        actor=rep, deal=deal, data={"name": "ライセンス", "quantity": 2, "unit_price": 50_000}
    )
    services.add_line_item(
        actor=rep, deal=deal, data={"name": "お菓子", "unit_price": 500, "tax_category": "reduced"}
    )
    discount = services.add_line_item(
        actor=rep, deal=deal, data={"name": "値引き", "unit_price": "−20,000"}
    )
    assert discount.total == -20_000
    assert Deal.objects.get(pk=deal.pk).amount == 80_500  # the deal's amount follows the lines
    # a discount larger than the items at its own rate: refused, nothing changes
    with pytest.raises(ValidationFailed) as info:
        services.add_line_item(
            actor=rep,
            deal=deal,
            data={"name": "特別値引き", "unit_price": -1_000, "tax_category": "reduced"},
        )
    assert "unit_price" in info.value.errors
    with pytest.raises(ValidationFailed):
        services.update_line_item(
            actor=rep, deal=deal, line=discount, data={"unit_price": -100_001}
        )
    with pytest.raises(ValidationFailed):
        services.remove_line_item(
            actor=rep, deal=deal, line=item
        )  # the discount would be left alone
    with pytest.raises(ValidationFailed) as info:
        services.add_line_item(
            actor=rep, deal=deal, data={"name": "値引き", "quantity": 0, "unit_price": -1}
        )
    assert "quantity" in info.value.errors
    assert deal.lines.count() == 3 and Deal.objects.get(pk=deal.pk).amount == 80_500
    quote = services.issue_quote(actor=rep, deal=deal)
    assert quote.tax_breakdown == [
        {"rate": 10, "taxable": 80_000, "tax": 8_000},
        {"rate": 8, "taxable": 500, "tax": 40},
    ]
    assert quote.total == 88_540


def test_quote_refuses_a_rate_below_zero(rep, make_deal):
    """Lines written before the rule existed (or by an import) cannot make a negative quote."""
    from daifuku.sales.models import LineItem

    deal = make_deal(rep, amount=0)
    LineItem.objects.create(
        deal=deal, name="値引き", quantity=1, unit_price=-500, tax_category="standard"
    )
    with pytest.raises(DomainError) as info:
        services.issue_quote(actor=rep, deal=deal)
    assert info.value.code == "quote_negative_total" and info.value.status == 422


def test_discount_through_the_api_and_the_page(rep, rep_api, make_deal):
    deal = make_deal(rep, amount=0)
    assert (
        rep_api.post(
            f"/api/v1/deals/{deal.pk}/lines", {"name": "作業", "quantity": 1, "unit_price": 10_000}
        ).status_code
        == 201
    )
    made = rep_api.post(
        f"/api/v1/deals/{deal.pk}/lines", {"name": "値引き", "quantity": 1, "unit_price": -2_000}
    )
    assert made.status_code == 201 and made.json()["total"] == -2_000
    refused = rep_api.post(
        f"/api/v1/deals/{deal.pk}/lines", {"name": "値引き", "quantity": 1, "unit_price": -9_000}
    )
    assert refused.status_code == 422 and refused.json()["code"] == "negative_total"
    assert "unit_price" in refused.json()["errors"]
    client = Client()
    client.force_login(rep)
    response = client.post(
        reverse("sales:line-add", args=[deal.pk]),
        {"name": "端数値引き", "quantity": "1", "unit_price": "▲500", "tax_category": "standard"},
    )
    assert response.status_code == 302
    assert deal.lines.filter(unit_price=-500).exists()
    first = deal.lines.get(name="作業")
    response = client.post(reverse("sales:line-remove", args=[deal.pk, first.pk]), follow=True)
    assert response.status_code == 200 and deal.lines.filter(pk=first.pk).exists()
    assert "値引き" in response.content.decode()
    quote = rep_api.post(f"/api/v1/deals/{deal.pk}/quotes", {})
    assert quote.status_code == 201 and quote.json()["total"] == 8_250  # 7,500 + 750


def test_quote_page_shows_the_issuer_and_aligned_figures(rep, quoted_deal, issuer):
    quote = services.issue_quote(actor=rep, deal=quoted_deal)
    client = Client()
    client.force_login(rep)
    html = client.get(reverse("sales:quote", args=[quote.pk])).content.decode()
    assert "株式会社大福商事" in html and NTA in html and "-¥10,000" in html
    assert '<th class="num">金額</th>' in html and '<td class="num">¥3,240</td>' in html


def test_quote_page_keeps_the_issuer_it_was_issued_with(rep, quoted_deal, issuer, admin):
    """The screen says what the PDF says: renaming the company or changing its registration
    number afterwards does not rewrite an issued 見積書."""
    from daifuku.accounts.services_organization import update_organization_profile

    quote = services.issue_quote(actor=rep, deal=quoted_deal)
    update_organization_profile(
        actor=admin, data={"name": "株式会社新大福", "postal_code": "1500001"}
    )
    client = Client()
    client.force_login(rep)
    html = client.get(reverse("sales:quote", args=[quote.pk])).content.decode()
    assert "株式会社大福商事" in html and NTA in html and "〒100-0005" in html
    assert "株式会社新大福" not in html
    later = services.issue_quote(actor=rep, deal=quoted_deal)
    html = client.get(reverse("sales:quote", args=[later.pk])).content.decode()
    assert "株式会社新大福" in html


@pytest.mark.skipif(
    not os.environ.get("QUOTE_PDF_OUT"), reason="writes a sample PDF for a person to look at"
)
def test_write_sample_pdf(rep, quoted_deal, issuer):
    quote = services.issue_quote(
        actor=rep, deal=quoted_deal, notes="納期: ご発注後2週間\nお支払い: 月末締め翌月末払い"
    )
    with quote.pdf.open("rb") as handle, open(os.environ["QUOTE_PDF_OUT"], "wb") as out:
        out.write(handle.read())
