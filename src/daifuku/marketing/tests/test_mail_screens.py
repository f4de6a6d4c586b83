"""The template and persona screens: list, editor with a live preview as a chosen customer,
test send over real SMTP (aiosmtpd on loopback), delete after a confirmation, personas with
exactly one default, and who may write."""

from __future__ import annotations

import email
import email.policy
import re
import socket

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daifuku.marketing.models import MailTemplate, Persona

from .tpl_world import build_mail_world

RANK_HTML = (
    "<style>.gold { color: #b8860b }</style>"
    "<p>{{ display_name }}</p>"
    '{% rank "ゴールド" %}<p class="gold">ゴールド会員さま限定</p>{% endrank %}'
    '{% buyer "first" %}<p>初回のお礼</p>{% endbuyer %}'
)


@pytest.fixture
def mail_world(db, rep, admin, django_capture_on_commit_callbacks):
    return build_mail_world(rep, admin, django_capture_on_commit_callbacks)


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) collecting the bytes it receives."""
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, received
    finally:
        controller.stop()


def _template(**extra):
    from daifuku.marketing.services.mail_templates import create_template

    data = {"name": "秋のご案内", "subject": "{{ display_name }}へ 秋のご案内", "html": RANK_HTML,
            "text": "{{ display_name }}\n{% rank 'ゴールド' %}限定{% endrank %}"}  # fmt: skip
    return create_template(actor="test", data={**data, **extra})


def test_list_and_editor_render(client, admin, mail_world):
    template = _template()
    client.force_login(admin)
    page = client.get("/marketing/templates/")
    assert page.status_code == 200 and "秋のご案内" in page.content.decode()
    assert 'aria-current="page"' in page.content.decode()
    editor = client.get(f"/marketing/templates/{template.pk}/?person={mail_world['hanako'].pk}")
    html = editor.content.decode()
    assert editor.status_code == 200
    assert 'sandbox=""' in html and "srcdoc=" in html
    assert "ゴールド会員さま限定" in html  # previewed as the ゴールド customer
    assert "田中 花子 様へ 秋のご案内" in html
    assert client.get("/marketing/templates/new/").status_code == 200


def test_create_saves_and_a_bad_template_is_a_field_error_with_its_line(client, admin):
    client.force_login(admin)
    bad = client.post(
        "/marketing/templates/new/",
        {"name": "x", "subject": "件名", "html": "<p>\n{{ ''.__class__ }}</p>", "text": ""},
    )
    assert bad.status_code == 200
    form = bad.context["form"]
    assert form.errors["html"] == ["2 行目: メールテンプレートでは「.__class__」は使えません。"]
    assert not MailTemplate.objects.exists()
    good = client.post(
        "/marketing/templates/new/",
        {"name": "案内", "subject": "{{ family_name }}様", "html": RANK_HTML, "text": "",
         "is_advertising": "on"},
    )  # fmt: skip
    saved = MailTemplate.objects.get()
    assert good.status_code == 302 and good["Location"] == f"/marketing/templates/{saved.pk}/"
    assert saved.is_advertising


def test_edit_keeps_versions(client, admin):
    template = _template()
    client.force_login(admin)
    data = {"name": template.name, "subject": "新しい件名", "html": RANK_HTML, "text": ""}
    assert (
        client.post(f"/marketing/templates/{template.pk}/", {**data, "version": 1}).status_code
        == 302
    )
    stale = client.post(
        f"/marketing/templates/{template.pk}/", {**data, "subject": "x", "version": 1}
    )
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    template.refresh_from_db()
    assert (template.subject, template.version) == ("新しい件名", 2)


def test_preview_as_two_customers_of_different_ranks(client, admin, mail_world):
    client.force_login(admin)
    fields = {"subject": "{{ rank }}", "html": RANK_HTML, "text": ""}
    with CaptureQueriesContext(connection) as queries:
        gold = client.post(
            "/marketing/templates/preview/", {**fields, "person": mail_world["hanako"].pk}
        ).content.decode()
    bronze = client.post(
        "/marketing/templates/preview/", {**fields, "person": mail_world["ichiro"].pk}
    ).content.decode()
    assert "ゴールド会員さま限定" in gold and "初回のお礼" not in gold
    assert "ゴールド会員さま限定" not in bronze and "初回のお礼" in bronze
    assert "color: #b8860b" in gold  # inlined
    assert len(queries) <= 16
    broken = client.post("/marketing/templates/preview/", {**fields, "text": "{{ nope }}"})
    assert "nope" in broken.content.decode() and broken.status_code == 200
    unfit = client.post(
        "/marketing/templates/preview/",
        {**fields, "subject": "{{ rank + 1 }}", "person": mail_world["hanako"].pk},
    )
    assert unfit.status_code == 200 and "メールを作成できませんでした" in unfit.content.decode()


def test_preview_of_an_unknown_customer_has_empty_fields(client, admin, mail_world):
    client.force_login(admin)
    page = client.post(
        "/marketing/templates/preview/",
        {"subject": "[{{ display_name }}]", "html": "", "text": "x", "person": "99999999"},
    ).content.decode()
    assert "[]" in page and page.count("田中") == 0


def test_people_picker_finds_by_name(client, admin, mail_world):
    client.force_login(admin)
    found = client.get("/marketing/templates/people/", {"q": "鈴木"}).content.decode()
    assert f'data-preview-person="{mail_world["ichiro"].pk}"' in found


def test_test_send_goes_through_smtp_in_utf8_with_the_subject_encoded(
    client, admin, mail_world, settings, smtp_server
):
    controller, received = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    from daifuku.marketing.services.personas import create_persona

    create_persona(
        actor="test",
        data={"name": "店長", "from_name": "店長 山田", "from_email": "tencho@shop.example.jp",
              "is_default": True, "signature_text": "大福茶舗 店長 山田"},
    )  # fmt: skip
    client.force_login(admin)
    answer = client.post(
        "/marketing/templates/test-send/",
        {"subject": "{{ display_name }}へ 秋のご案内", "html": RANK_HTML,
         "text": "{{ display_name }}\n{{ signature }}", "to": "me@example.jp",
         "person": mail_world["hanako"].pk},
    )  # fmt: skip
    assert "me@example.jp" in answer.content.decode()
    (envelope,) = received
    raw = envelope.original_content
    assert b"\xe7" not in raw.split(b"\r\n\r\n", 1)[0]  # headers are 7-bit: encoded words
    assert re.search(rb"^Subject:\s+=\?utf-8\?b\?", raw, re.M | re.I)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    # Django folds the encoded word onto a continuation line; unfolded, the space before it
    # is folding whitespace
    assert message["Subject"].strip() == "【テスト】田中 花子 様へ 秋のご案内"
    assert message["From"].addresses[0].display_name == "店長 山田"
    assert envelope.rcpt_tos == ["me@example.jp"]
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text.get_content_charset() == "utf-8"
    assert "田中 花子 様" in text.get_content() and "店長 山田" in text.get_content()
    assert "ゴールド会員さま限定" in html.get_content()


def test_test_send_refuses_a_bad_address(client, admin):
    client.force_login(admin)
    answer = client.post(
        "/marketing/templates/test-send/", {"subject": "s", "html": "", "text": "x", "to": "nope"}
    )
    assert answer.status_code == 200 and answer.context["test_form"].errors["to"]


def test_delete_asks_first(client, admin):
    template = _template()
    client.force_login(admin)
    confirm = client.get(f"/marketing/templates/{template.pk}/delete/")
    assert confirm.status_code == 200 and "秋のご案内" in confirm.content.decode()
    assert MailTemplate.objects.exists()
    assert client.post(f"/marketing/templates/{template.pk}/delete/").status_code == 302
    assert not MailTemplate.objects.exists()


def test_a_rep_may_not_write_mail(client, rep):
    client.force_login(rep)
    answer = client.post(
        "/marketing/templates/new/", {"name": "x", "subject": "s", "html": "", "text": "t"}
    )
    assert answer.status_code == 200 and answer.context["form"].non_field_errors()
    assert not MailTemplate.objects.exists()


def test_personas_crud_with_exactly_one_default(client, admin):
    client.force_login(admin)
    base = {"signature_text": "", "signature_html": "", "sort_order": "0", "from_email": ""}
    assert client.get("/marketing/personas/new/").status_code == 200
    r = client.post("/marketing/personas/new/", {**base, "name": "さき", "from_name": "スタッフ さき",
                                                 "age_bands": ["10s", "20s"]})  # fmt: skip
    assert r.status_code == 302
    saki = Persona.objects.get()
    assert saki.is_default  # the first persona becomes the default
    client.post("/marketing/personas/new/", {**base, "name": "店長", "from_name": "店長 山田",
                                             "age_bands": ["40s"], "is_default": "on"})  # fmt: skip
    assert list(Persona.objects.filter(is_default=True).values_list("name", flat=True)) == ["店長"]
    clash = client.post("/marketing/personas/new/", {**base, "name": "x", "from_name": "x",
                                                     "age_bands": ["20s"]})  # fmt: skip
    assert clash.status_code == 200 and clash.context["form"].errors["age_bands"]
    listing = client.get("/marketing/personas/").content.decode()
    assert "10代以下" in listing or "Teens" in listing
    tencho = Persona.objects.get(name="店長")
    assert client.get(f"/marketing/personas/{tencho.pk}/delete/").status_code == 200
    client.post(f"/marketing/personas/{tencho.pk}/delete/")
    assert list(Persona.objects.values_list("name", "is_default")) == [("さき", True)]
    edit = client.post(f"/marketing/personas/{saki.pk}/", {**base, "name": "さき",
                                                           "from_name": "さき", "age_bands": ["30s"]})  # fmt: skip
    assert edit.status_code == 302
    saki.refresh_from_db()
    assert (saki.age_bands, saki.is_default) == (["30s"], True)  # the only one stays default


def test_persona_photo_upload(client, admin, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    client.force_login(admin)
    r = client.post(
        "/marketing/personas/new/",
        {"name": "店長", "from_name": "店長", "sort_order": "0",
         "photo": SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")},
    )  # fmt: skip
    assert r.status_code == 302
    assert Persona.objects.get().photo.name.startswith("marketing/personas/")


def test_list_pages_take_few_queries(client, admin):
    for n in range(5):
        _template(name=f"t{n}")
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/marketing/templates/").status_code == 200
    assert len(queries) <= 8
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/marketing/personas/").status_code == 200
    assert len(queries) <= 8


def test_demo_mail_is_idempotent_and_previews(admin, mail_world):
    from types import SimpleNamespace

    from daifuku.marketing.demo_mail import add_demo_mail
    from daifuku.marketing.templating import preview

    context = SimpleNamespace(users={"admin": admin})
    # no demo segment here: templates and personas, no campaign
    assert add_demo_mail(context) == "5 mail templates, personas, topics and campaigns"
    assert add_demo_mail(context) == "0 mail templates, personas, topics and campaigns"
    mail = preview(MailTemplate.objects.get(), mail_world["ichiro"])  # 20s: さき writes
    assert "鈴木 一郎 様" in mail.html and "スタッフ さき" in mail.text
    assert "先日は初めてのご購入" in mail.html and "ゴールド会員さま" not in mail.html
