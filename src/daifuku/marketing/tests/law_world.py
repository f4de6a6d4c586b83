"""A small mailing for the mail-law tests: an organisation profile, sender settings, one
advertising campaign with two deliveries (山田 花子 opted in; an address with no person)
and one topic. Deliveries are created as the campaigns part creates them (a row with a
random token before anything is sent)."""

from __future__ import annotations

import secrets

import pytest

HTML = "<html><body><p>{{ display_name }}、新商品のご案内です。</p></body></html>"
TEXT = "{{ display_name }}\n新商品のご案内です。"


def make_delivery(campaign, email, person=None):
    from daifuku.marketing.models import Delivery

    return Delivery.objects.create(
        campaign=campaign,
        person=person,
        email=email,
        domain=email.split("@")[1],
        token=secrets.token_urlsafe(16)[:22],
    )


@pytest.fixture
def mailing(admin):
    from daifuku.accounts.services_organization import update_organization_profile
    from daifuku.customers.services import create_person, record_consent
    from daifuku.marketing.models import Campaign, MailTopic, Segment
    from daifuku.marketing.services.sender import update_sender_settings

    update_organization_profile(
        actor=admin,
        data={
            "name": "株式会社大福商事",
            "postal_code": "100-0005",
            "prefecture": "東京都",
            "city": "千代田区",
            "address_line": "丸の内1-1-1",
            "inquiry_contact": "お客様窓口",
            "inquiry_phone": "03-1234-5678",
        },
    )
    update_sender_settings(
        actor=admin,
        data={"from_email": "news@daifuku.example", "unsubscribe_email": "stop@daifuku.example"},
    )
    hanako = create_person(
        actor=admin,
        data={"family_name": "山田", "given_name": "花子", "email": "hanako@example.jp"},
    )
    record_consent(
        actor=admin,
        person=hanako,
        channel="email",
        status="opted_in",
        method="form",
        evidence="会員登録フォーム 2026-04-01",
    )
    segment = Segment.objects.create(name="全員", kind="static")
    topic = MailTopic.objects.create(key="new-products", name="新商品のお知らせ")
    seminar = MailTopic.objects.create(key="seminars", name="セミナー案内", sort_order=2)
    campaign = Campaign.objects.create(
        name="冬の新商品", segment=segment, subject="冬の新商品", html=HTML, text=TEXT, topic=topic
    )
    return {
        "hanako": hanako,
        "campaign": campaign,
        "topic": topic,
        "seminar": seminar,
        "to_hanako": make_delivery(campaign, "hanako@example.jp", hanako),
        "to_address": make_delivery(campaign, "guest@example.com"),
    }


def outgoing(delivery, html=HTML, text=TEXT):
    from daifuku.marketing.mailing.hooks import OutgoingMail

    return OutgoingMail(
        delivery_id=delivery.pk,
        token=delivery.token,
        email=delivery.email,
        person_id=delivery.person_id,
        campaign_id=delivery.campaign_id,
        subject=delivery.campaign.subject,
        html=html.replace("{{ display_name }}", "山田 花子 様"),
        text=text.replace("{{ display_name }}", "山田 花子 様"),
        from_name="大福商事",
        from_email="news@daifuku.example",
        is_advertising=delivery.campaign.is_advertising,
    )
