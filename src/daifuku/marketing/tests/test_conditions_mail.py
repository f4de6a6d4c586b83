"""The mail conditions (opened / clicked a campaign or any mail, within N days) against the
ledger of conftest.py: 花子 opened the autumn mail 2 days ago and clicked it; 一郎 opened
the summer mail 40 days ago (a proxy fetched his autumn mail: not an open); 健太 was sent
both and did nothing. ``AUTUMN`` / ``SUMMER`` stand for the campaigns' ids."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from . import mail_world
from .test_conditions import members, one

pytestmark = pytest.mark.django_db

CASES = [
    (one("opened_campaign", "eq", "AUTUMN"), {"花子"}),
    (one("opened_campaign", "in", ["AUTUMN", "SUMMER"]), {"花子", "一郎"}),
    (one("opened_campaign", "ne", "AUTUMN"), {"一郎", "健太"}),
    (one("opened_campaign", "not_in", ["AUTUMN", "SUMMER"]), {"健太"}),
    (one("opened_campaign", "eq", "SUMMER", period_days=30), set()),
    (one("opened_campaign", "eq", "SUMMER", period_days=40), {"一郎"}),
    (one("clicked_campaign", "eq", "AUTUMN"), {"花子"}),
    (one("clicked_campaign", "eq", "SUMMER"), set()),
    (one("opened_any_mail", "eq", "yes"), {"花子", "一郎"}),
    (one("opened_any_mail", "eq", "yes", period_days=7), {"花子"}),
    (one("opened_any_mail", "eq", "no"), {"健太"}),
    (one("opened_any_mail", "eq", "no", period_days=7), {"一郎", "健太"}),
    (one("clicked_any_mail", "eq", "yes"), {"花子"}),
    (one("clicked_any_mail", "eq", "no"), {"一郎", "健太"}),
    (
        {
            "all": [
                {"field": "opened_any_mail", "op": "eq", "value": "yes"},
                {"field": "clicked_any_mail", "op": "eq", "value": "no"},
            ]
        },
        {"一郎"},
    ),  # fmt: skip
]


@pytest.fixture
def mails(ledger, context, rep):
    from daifuku.marketing.models import MailEvent

    def at(days_ago: int):
        from django.utils import timezone

        day = context.today - dt.timedelta(days=days_ago)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))

    autumn = mail_world.campaign(rep, "秋の新茶のご案内")
    summer = mail_world.campaign(rep, "夏の冷茶")
    sent = {}
    for campaign, who, kind, days_ago in (
        (autumn, "hanako", "open", 2),
        (autumn, "hanako", "click", 2),
        (summer, "ichiro", "open", 40),
        (autumn, "ichiro", "machine_open", 1),
        (autumn, "kenta", None, 0),
        (summer, "kenta", None, 0),
    ):
        key = (campaign.pk, who)
        if key not in sent:
            sent[key] = mail_world.delivery(
                campaign, ledger[who], email=f"{who}-{campaign.pk}@example.jp"
            )
        d = sent[key]
        if kind:
            MailEvent.objects.create(
                delivery=d, campaign=campaign, person=ledger[who], kind=kind, at=at(days_ago)
            )
    return {"AUTUMN": autumn.pk, "SUMMER": summer.pk}


@pytest.mark.parametrize("rules, expected", CASES, ids=[str(i) for i in range(len(CASES))])
def test_each_mail_condition_selects_its_people(rules, expected, mails, context):
    text = json.dumps(rules)
    for name, pk in mails.items():
        text = text.replace(f'"{name}"', str(pk))
    assert members(json.loads(text), context) == expected


def test_an_unknown_campaign_is_refused(mails):
    from daifuku.core.errors import ValidationFailed
    from daifuku.marketing.conditions import parse

    with pytest.raises(ValidationFailed):
        parse(one("opened_campaign", "eq", 999_999))
    with pytest.raises(ValidationFailed):
        parse(one("clicked_any_mail", "eq", "maybe"))


def test_the_builder_offers_the_mail_group(mails):
    from daifuku.marketing.conditions import GROUPS, get

    assert str(GROUPS["mail"]) and get("opened_campaign").group == "mail"
    assert (mails["AUTUMN"], "秋の新茶のご案内") in get("opened_campaign").choices()
