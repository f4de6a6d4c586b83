"""Campaigns and deliveries for tracking's tests, written as the campaigns and delivery
engines leave them (rows created before the send, ``sent_at`` set by the engine)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

SENT_AT = timezone.make_aware(dt.datetime(2026, 11, 1, 9, 0))


def segment(actor):
    from daifuku.marketing.services import create_segment

    return create_segment(
        actor=actor, data={"name": f"配信先 {secrets.token_hex(3)}", "kind": "static"}
    )


def campaign(actor, name="秋の新茶のご案内", variants=()):
    from daifuku.marketing.models import Campaign, CampaignVariant

    found = Campaign.objects.create(
        name=name, segment=segment(actor), subject=name, html="<p>x</p>"
    )
    for label in variants:
        CampaignVariant.objects.create(campaign=found, label=label, subject=f"{name} {label}")
    return found


def delivery(campaign, person=None, *, email=None, status="sent", sent_at=SENT_AT, variant=None):
    from daifuku.marketing.models import Delivery

    email = email or f"{secrets.token_hex(4)}@example.jp"
    return Delivery.objects.create(
        campaign=campaign,
        person=person,
        email=email,
        domain=email.rsplit("@", 1)[1],
        token=secrets.token_urlsafe(16)[:22],
        status=status,
        sent_at=sent_at if status in ("sent", "bounced") else None,
        variant=campaign.variants.get(label=variant) if variant else None,
    )


def person(actor, family="田中", given="太郎", email=None):
    from daifuku.customers.services import create_person

    data = {"family_name": family, "given_name": given}
    if email:
        data["email"] = email
    return create_person(actor=actor, data=data)
