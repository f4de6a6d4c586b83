"""Demo NPS answers and referrals for ``daifuku demo``: the first demo customers answered the
NPS question and a few introduced others, so the advocate list and the person page's
「推奨度と紹介」 panel have something to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from daifuku.customers.models import Person

from .services import advocacy as services

SOURCES = ["店頭アンケート", "メール", "電話"]


def add_demo_advocacy(context) -> str:
    actor = context.users.get("admin") or "daifuku demo"
    rng = context.random
    people = list(Person.objects.filter(pk__in=context.person_ids[:12]).order_by("pk"))
    today = timezone.localdate()
    answers = 0
    for i, person in enumerate(people):
        services.record_nps(
            actor=actor,
            person=person,
            score=rng.choice([10, 9, 9, 8, 7, 6, 3]) if i else 10,
            answered_on=today - dt.timedelta(days=rng.randint(3, 200)),
            source=rng.choice(SOURCES),
        )
        answers += 1
    referrals = 0
    for referrer, referred in ((0, 5), (0, 6), (1, 7), (2, 8)):
        if referred < len(people):
            services.record_referral(
                actor=actor,
                referrer=people[referrer],
                referred=people[referred],
                referred_on=today - dt.timedelta(days=rng.randint(10, 300)),
            )
            referrals += 1
    return f"{answers} NPS answers, {referrals} referrals"
