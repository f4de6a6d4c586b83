"""Campaign and delivery rows for the deliverability tests (the campaigns engineer's
services create them in the product; here the rows a sent campaign leaves behind)."""

from __future__ import annotations

from django.utils import timezone

from daifuku.marketing.models import Campaign, Delivery, DeliveryStatus
from daifuku.marketing.services import create_segment

TOKENS = {
    "dsn_postfix_hard.eml": "hB4tR9xKq2LmZ7vN3pWc8d",
    "dsn_delayed_soft.eml": "sF6yU1oPa5SdG8hJk2LzX0",
    "dsn_gmail_hard.eml": "gM3nB7vC1xZ9aQ5wE2rT6y",
    "arf_abuse.eml": "cP8oI4uY2tR6eW0qA3sD5f",
    "qmail_failure.eml": "qL1kJ9hG7fD5sA3zX8cV2b",
    "text_japanese_isp.eml": "jN6mB4vC2xZ0lK8jH5gF3d",
    "dsn_exchange_online.eml": "mX5nC8vB2zL7kJ4hG1fD9s",
}
ADDRESSES = {
    "dsn_postfix_hard.eml": "nosuchuser@example.ne.jp",
    "dsn_delayed_soft.eml": "hanako@full.example.com",
    "dsn_gmail_hard.eml": "taro.notexist@gmail.com",
    "arf_abuse.eml": "kaori@yahoo.co.jp",
    "qmail_failure.eml": "jiro@old-isp.example.ne.jp",
    "text_japanese_isp.eml": "saburo@example-isp.jp",
    "dsn_exchange_online.eml": "tanaka@contoso.co.jp",
}


def campaign(name: str = "冬のセール") -> Campaign:
    segment = create_segment(actor="test", data={"name": f"{name} 対象", "kind": "static"})
    return Campaign.objects.create(name=name, segment=segment, subject="冬のセールのお知らせ")


def delivery(
    campaign: Campaign, *, token: str, email: str, person=None, message_id: str = ""
) -> Delivery:
    return Delivery.objects.create(
        campaign=campaign,
        person=person,
        email=email,
        domain=email.rpartition("@")[2],
        token=token,
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        message_id=message_id or f"<{token}@mail.example.jp>",
    )


def sample_deliveries(campaign: Campaign, *, person=None) -> dict[str, Delivery]:
    """One delivery per sample report; the Gmail one is known only by its Message-ID
    (stored without angle brackets, as an engine might)."""
    rows = {}
    for name, token in TOKENS.items():
        message_id = (
            "gM3nB7vC1xZ9aQ5wE2rT6y@mail.example.jp" if name == "dsn_gmail_hard.eml" else ""
        )
        rows[name] = delivery(
            campaign,
            token="x" + token[1:] if name == "dsn_gmail_hard.eml" else token,
            email=ADDRESSES[name],
            person=person if name == "arf_abuse.eml" else None,
            message_id=message_id,
        )
    return rows
