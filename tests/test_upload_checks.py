"""What an attachment may be (activities.services.file_checks): bounded to open, nothing
that runs by itself. Every file is generated here."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

pytestmark = pytest.mark.django_db


@pytest.fixture
def touch(rep):
    from daifuku.activities.services import log_touch
    from daifuku.customers.services import create_person

    person = create_person(actor=rep, data={"family_name": "山田", "given_name": "花子"})
    return log_touch(actor=rep, data={"summary": "見積の相談", "kind": "visit"}, person=person)


def upload(api, touch, name, data):
    return api.upload(
        f"/api/v1/touches/{touch.pk}/attachments",
        {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")},
    )


def refused(response) -> str:
    from daifuku.activities.models import TouchAttachment

    assert response.status_code == 422, response.content[:300]
    assert response.json()["code"] == "file_refused", response.json()
    assert not TouchAttachment.objects.exists()
    return " ".join(response.json()["errors"]["file"])


def test_a_90_megapixel_png_of_a_few_kilobytes_is_refused_before_decoding(rep_api, touch):
    out = io.BytesIO()
    Image.new("1", (9500, 9500)).save(out, "PNG")
    data = out.getvalue()
    assert len(data) < 200_000
    assert "90" in refused(upload(rep_api, touch, "bomb.png", data))
    assert Image.MAX_IMAGE_PIXELS == 50_000_000


def test_an_ordinary_photo_still_gets_a_thumbnail(rep_api, touch):
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), "white").save(out, "JPEG")
    response = upload(rep_api, touch, "photo.jpg", out.getvalue())
    assert response.status_code == 201 and response.json()["thumbnail_url"]


def office_file(parts: dict[str, bytes | int]) -> bytes:
    """A docx-shaped zip; an int part is that many zero bytes, written in chunks."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        for name, content in parts.items():
            if isinstance(content, int):
                with archive.open(name, "w", force_zip64=True) as stream:
                    for _ in range(content // (1024 * 1024)):
                        stream.write(bytes(1024 * 1024))
            else:
                archive.writestr(name, content)
    return out.getvalue()


def test_a_docx_that_expands_beyond_the_limit_is_refused(rep_api, touch):
    data = office_file({"word/document.xml": 200 * 1024 * 1024})
    assert len(data) < 1_000_000
    assert "100 MB" in refused(upload(rep_api, touch, "bomb.docx", data))


def test_a_docx_a_thousand_times_its_size_is_refused_under_the_limit(rep_api, touch):
    refused(
        upload(rep_api, touch, "ratio.docx", office_file({"word/document.xml": 20 * 1024 * 1024}))
    )


def test_an_archive_that_lies_about_its_sizes_is_refused(rep_api, touch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", bytes(20 * 1024 * 1024))
    data = bytearray(out.getvalue())
    # claim 1 KB in the local header and the central directory: the 20 MB stay inside
    local = data.index(b"PK\x03\x04word/"[:4], data.index(b"word/document.xml") - 30)
    data[local + 22 : local + 26] = (1024).to_bytes(4, "little")
    central = data.index(b"PK\x01\x02", local + 30)
    central = (
        data.index(b"PK\x01\x02", central + 4)
        if data[central + 46 : central + 50] != b"word"
        else central
    )
    data[central + 24 : central + 28] = (1024).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.getinfo("word/document.xml").file_size == 1024
    refused(upload(rep_api, touch, "liar.docx", bytes(data)))


def test_an_ordinary_docx_is_accepted(rep_api, touch):
    data = office_file(
        {"word/document.xml": b"<w:document>" + "議事録".encode() * 1000 + b"</w:document>"}
    )
    response = upload(rep_api, touch, "議事録.docx", data)
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "議事録.docx"


PLAIN = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
END = b"trailer<</Root 1 0 R>>\n%%EOF\n"


def flate_object_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return (
        b"3 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(packed)).encode()
        + b">>stream\n"
        + packed
        + b"\nendstream\nendobj\n"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"1 0 obj<</Type/Catalog/OpenAction 3 0 R>>endobj\n3 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n",
        b"3 0 obj<</Type/Action/S/Launch/F(cmd.exe)>>endobj\n",
        b"3 0 obj<</Type/Filespec/EF<</F 4 0 R>>>>endobj\n4 0 obj<</Type/EmbeddedFile/Length 1>>stream\nx\nendstream\n",
        b"3 0 obj<</S/J#61vaScript/J#53 5 0 R>>endobj\n",
        b"3 0 obj<</Type/RichMedia>>endobj\n",
        flate_object_stream(b"4 0 <</S/JavaScript/JS(this.exportDataObject())>>"),
    ],
)
def test_pdfs_that_run_or_carry_something_are_refused(rep_api, touch, body):
    assert "PDF" in refused(upload(rep_api, touch, "見積書.pdf", PLAIN + body + END))


def test_a_plain_pdf_with_links_is_accepted(rep_api, touch):
    body = b"3 0 obj<</S/URI/URI(https://example.jp/js/app)>>endobj\n" + flate_object_stream(
        b"BT (Hello) Tj ET"
    )
    response = upload(rep_api, touch, "見積書.pdf", PLAIN + body + END)
    assert response.status_code == 201, response.content
