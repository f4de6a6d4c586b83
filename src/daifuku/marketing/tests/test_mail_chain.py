"""The whole mail machine once, end to end, on real parts: a segment of buyers, a mail with
a block for ゴールド members, the law's checks and footer, the delivery engine sending to a
real SMTP server on loopback, the received bytes read back (rank content per recipient,
RFC 8058 headers, the 特定電子メール法 display items), then the recipient's open and click
through the tracking addresses, a purchase as the conversion, a one-click unsubscribe, and
the campaign's statistics through the API."""

from __future__ import annotations

import datetime as dt
import re
from email import message_from_bytes, policy

import pytest
from django.test import Client
from django.utils import timezone

from daifuku.marketing.delivery import send_pending
from daifuku.marketing.delivery.tests import harness
from daifuku.marketing.models import Delivery, MailEvent

from .campaign_world import sender_ready
from .tpl_world import build_mail_world

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126 Safari/537.36"


@pytest.fixture
def smtp(settings):
    harness.require_aiosmtpd()
    handler = harness.CountingHandler()
    handler.keep = True
    with harness.SmtpServer(handler) as server:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        harness.no_limits()
        yield handler


def _parts(raw: bytes):
    message = message_from_bytes(raw, policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return message, text, html


def test_segment_to_statistics_through_every_part(
    smtp, rep, admin, admin_api, django_capture_on_commit_callbacks
):
    from daifuku.commerce.services import record_order
    from daifuku.customers.models import Consent
    from daifuku.customers.services import record_consent
    from daifuku.marketing.services import create_segment
    from daifuku.marketing.services.campaigns import create_campaign, start_send

    world = build_mail_world(rep, admin, django_capture_on_commit_callbacks)
    sender_ready(admin)
    hanako, ichiro = world["hanako"], world["ichiro"]
    for person in (hanako, ichiro):
        record_consent(actor=admin, person=person, channel="email", status="opted_in",
                       method="form", evidence="会員登録フォーム 2026-04-01")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        buyers = create_segment(
            actor=admin,
            data={"name": "購入者", "rules": {"all": [
                {"field": "order_count", "op": "gte", "value": 1}]}},
        )  # fmt: skip
    campaign = create_campaign(
        actor=admin,
        data={
            "name": "秋の新茶",
            "segment_id": buyers.pk,
            "subject": "{{ display_name }}へ 秋の新茶のご案内",
            "html": (
                "<p>{{ display_name }}</p>"
                "{% rank 'ゴールド' %}<p>ゴールド会員さま限定の先行販売</p>{% endrank %}"
                '<p><a href="https://shop.example.jp/autumn">新茶を見る</a></p>'
            ),
            "text": "{{ display_name }}\n新茶: https://shop.example.jp/autumn",
        },
    )
    with django_capture_on_commit_callbacks(execute=False):
        start_send(campaign, actor=admin)
    # 佐藤 健太 bought but has no address: left out and counted, never silently
    campaign.refresh_from_db()
    assert campaign.skipped.get("no_address") == 1
    report = send_pending(campaign.pk)
    assert (report.sent, report.failed, report.unknown) == (2, 0, 0)
    assert len(smtp.messages) == 2 and set(smtp.ids.values()) == {1}

    received = {}
    for raw in smtp.messages:
        message, text, html = _parts(raw)
        received[message["To"].addresses[0].addr_spec] = (message, text, html)
    message, text, html = received["hanako@example.jp"]
    assert message["Subject"] == "田中 花子 様へ 秋の新茶のご案内"
    assert "ゴールド会員さま限定の先行販売" in html
    assert "ゴールド会員さま限定" not in received["ichiro@example.jp"][2]
    # RFC 8058 one-click unsubscribe and the 特定電子メール法 display items, on the bytes
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https = re.search(r"<(https?://[^>]+/m/u/[^>]+)>", message["List-Unsubscribe"]).group(1)
    assert "mailto:" in message["List-Unsubscribe"]
    for item in ("株式会社大福商事", "東京都千代田区丸の内1-1-1", "03-1234-5678", "配信停止"):
        assert item in text and item in html, item

    # the recipient opens (a person's browser, a minute after sending) and clicks
    delivery = Delivery.objects.get(campaign=campaign, email="hanako@example.jp")
    Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now() - dt.timedelta(minutes=1))
    pixel = re.search(r'src="https?://[^/]+(/m/o/[^"]+\.gif)"', html).group(1)
    click = re.search(r'href="https?://[^/]+(/m/c/[^"]+)"', html).group(1)
    visitor = Client(HTTP_USER_AGENT=BROWSER)
    assert visitor.get(pixel).status_code == 200
    answer = visitor.get(click)
    assert answer.status_code == 302 and answer["Location"] == "https://shop.example.jp/autumn"
    # a purchase two days later is the mail's conversion
    with django_capture_on_commit_callbacks(execute=True):
        record_order(actor=admin, number="AUTUMN-1", person=hanako,
                     ordered_at=timezone.now(), lines=[{"product_id": world["tea"].pk,
                                                        "quantity": 3}])  # fmt: skip
    assert MailEvent.objects.filter(campaign=campaign, kind="conversion").count() == 1

    # one click on the unsubscribe button of the mail client: at once, by POST
    path = https.split("://", 1)[1].split("/", 1)[1]
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post("/" + path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Consent.objects.get(person=hanako, channel="email").status == "opted_out"

    stats = admin_api.get(f"/api/v1/campaigns/{campaign.pk}/stats").json()
    assert stats["sent"] == 2 and stats["delivered"] == 2
    assert (stats["opened"], stats["clicked"], stats["unsubscribed"]) == (1, 1, 1)
    assert stats["conversions"] == 1 and stats["revenue"] == 3300
    assert stats["skipped_no_address"] == 1 and stats["skipped_no_consent"] == 0
