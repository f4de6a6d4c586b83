"""Attachments: type by content, malicious files refused or served harmlessly, only to users
who may see the touch."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from daifuku.activities.models import TouchAttachment

pytestmark = pytest.mark.django_db


def upload(api, touch, name, data, content_type="application/octet-stream"):
    return api.upload(
        f"/api/v1/touches/{touch.pk}/attachments",
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
    )


def test_photo_upload_returns_download_url_and_thumbnail(rep_api, log, png):
    touch = log()
    response = upload(rep_api, touch, "名刺.png", png, "image/png")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "名刺.png" and body["content_type"] == "image/png" and body["is_image"]
    assert body["size"] == len(png)
    assert body["download_url"] == f"http://testserver/api/v1/attachments/{body['id']}/download"
    download = rep_api.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in download["Content-Security-Policy"]
    thumb = rep_api.get(body["thumbnail_url"])
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    import io

    from PIL import Image

    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) == 320
    listed = rep_api.get(f"/api/v1/touches/{touch.pk}").json()["attachments"]
    assert [a["id"] for a in listed] == [body["id"]]


def test_name_lies_do_not_matter_type_comes_from_content(rep_api, log, jpeg):
    touch = log()
    body = upload(rep_api, touch, "report.pdf", jpeg, "application/pdf").json()
    assert body["content_type"] == "image/jpeg" and body["name"] == "report.jpg"


def test_documents_and_plain_text_are_accepted(rep_api, log):
    touch = log()
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    assert upload(rep_api, touch, "見積書.pdf", pdf).json()["content_type"] == "application/pdf"
    csv = "氏名,電話\n山田,03-1234-5678\n".encode()
    assert upload(rep_api, touch, "list.csv", csv).json()["content_type"] == "text/csv"
    sjis = "議事録です".encode("cp932")
    assert upload(rep_api, touch, "memo.txt", sjis).json()["content_type"] == "text/plain"


MALICIOUS = {
    "page.html": b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>",
    "page.txt": b"hello <script>alert(1)</script>",
    "logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>',
    "logo.png": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "run.sh": b"#!/bin/sh\nrm -rf /\x00",
    "app.exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64,
    "archive.zip": b"PK\x03\x04\x14\x00\x00\x00\x00\x00" + b"\x00" * 40,
    "empty.txt": b"",
}


@pytest.mark.parametrize("name", sorted(MALICIOUS))
def test_active_content_is_refused(rep_api, log, name):
    touch = log()
    response = upload(rep_api, touch, name, MALICIOUS[name], "image/png")
    assert response.status_code == 422, response.content
    assert response.json()["code"] in ("file_type_refused", "file_empty")
    assert not TouchAttachment.objects.exists()


def test_polyglot_image_with_html_is_refused(rep_api, log, png):
    """A real PNG (Pillow opens it) that also carries an HTML page: a polyglot."""
    touch = log()
    polyglot = png + b"<html><script>alert(1)</script></html>"
    response = upload(rep_api, touch, "photo.png", polyglot, "image/png")
    assert response.status_code == 422 and response.json()["code"] == "file_type_refused"
    gif = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=alert(1);<script src=#></script>"
    assert upload(rep_api, touch, "x.gif", gif).status_code == 422
    pdf_html = b"%PDF-1.4\n<html><body onload=alert(1)>\n%%EOF"
    assert upload(rep_api, touch, "x.pdf", pdf_html).status_code == 422


def test_size_limit(rep_api, log, png, settings):
    settings.DAIFUKU_ATTACHMENT_MAX_BYTES = len(png) - 1
    response = upload(rep_api, log(), "big.png", png)
    assert response.status_code == 422 and response.json()["code"] == "file_too_large"


def test_another_team_cannot_fetch_by_id_or_url(
    api_client, rep_api, other_rep, teammate, client, log, png
):
    touch = log()
    body = upload(rep_api, touch, "photo.png", png).json()
    other = api_client(other_rep)
    assert other.get(f"/api/v1/attachments/{body['id']}").status_code == 404
    assert other.get(body["download_url"]).status_code == 404
    assert other.get(body["thumbnail_url"]).status_code == 404
    assert other.get(f"/api/v1/touches/{touch.pk}/attachments").status_code == 404
    assert upload(other, touch, "x.png", png).status_code == 404
    assert other.delete(f"/api/v1/attachments/{body['id']}").status_code == 404
    # the web download URL too, with a session
    client.force_login(other_rep)
    assert client.get(f"/activities/attachments/{body['id']}/download/").status_code == 404
    assert client.get(f"/activities/attachments/{body['id']}/thumbnail/").status_code == 404
    client.force_login(teammate)
    web = client.get(f"/activities/attachments/{body['id']}/download/")
    assert web.status_code == 200 and web["X-Content-Type-Options"] == "nosniff"
    # teammates see the file but only the author adds or removes files
    assert upload(api_client(teammate), touch, "y.png", png).status_code == 404


def test_anonymous_cannot_download(client, rep_api, log, png):
    body = upload(rep_api, log(), "photo.png", png).json()
    assert client.get(body["download_url"]).status_code == 401
    response = client.get(f"/activities/attachments/{body['id']}/download/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_removing_a_touch_removes_its_files(
    rep_api, log, png, media_root, django_capture_on_commit_callbacks
):
    touch = log()
    upload(rep_api, touch, "photo.png", png)
    files = [p for p in media_root.rglob("*") if p.is_file()]
    assert len(files) == 2  # the photo and its thumbnail
    with django_capture_on_commit_callbacks(execute=True):
        assert rep_api.delete(f"/api/v1/touches/{touch.pk}").status_code == 204
    assert [p for p in media_root.rglob("*") if p.is_file()] == []
