"""A/B tests of subjects: the test group is the chosen share split evenly and the same for
the same audience; the rest has no rows until the winner is chosen by the campaign's metric
after the waiting time; the rest then gets the winner, without the test group twice."""
# ruff: noqa: F811  (the imported fixtures are requested by name)

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from .campaign_world import delivery_job, marketer  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def crowd(admin):
    from daifuku.core import events
    from daifuku.customers.models import Consent, EmailAddress, Person
    from daifuku.marketing.services import create_segment

    events.STRICT = False
    people = Person.objects.bulk_create(
        Person(family_name=f"顧客{i:03}", given_name="様") for i in range(40)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(person=p, address=f"p{i}@example.jp", domain="example.jp", is_primary=True)
        for i, p in enumerate(people)
    )
    Consent.objects.bulk_create(
        Consent(person=p, channel="email", status="opted_in", method="form", evidence="申込書")
        for p in people
    )
    return create_segment(actor=admin, data={"name": "四十人", "rules": {"all": []}})


def _ab_campaign(marketer, segment, metric="open"):
    from daifuku.marketing.services.campaigns import create_campaign

    return create_campaign(actor=marketer, data={
        "name": "件名テスト", "segment_id": segment.pk, "text": "本文",
        "variants": ["冬のセール", "【限定】冬のセール"], "ab_share": 50, "ab_metric": metric,
        "ab_wait_hours": 2,
    })  # fmt: skip


def _by_variant(campaign):
    from daifuku.marketing.models import Delivery

    groups: dict = {}
    for label, email in Delivery.objects.filter(campaign=campaign).values_list(
        "variant__label", "email"
    ):
        groups.setdefault(label, set()).add(email)
    return groups


def test_split_is_even_and_repeatable(crowd, marketer, delivery_job):
    from daifuku.marketing.services.campaigns import start_send

    campaign = start_send(_ab_campaign(marketer, crowd), actor=marketer)
    groups = _by_variant(campaign)
    assert campaign.status == "testing"
    assert sorted(groups) == ["A", "B"] and len(groups["A"]) == len(groups["B"]) == 10
    assert campaign.subject == "冬のセール"
    # the same audience gives the same groups (seeded by the campaign)
    from daifuku.marketing.services import ab
    from daifuku.marketing.services.audience import resolve

    again = ab.test_group(campaign, resolve(campaign).recipients, list(campaign.variants.all()))
    assert {r.email for r in again[0]} == groups["A"] | groups["B"]
    assert delivery_job == [campaign.pk]


@pytest.mark.parametrize("metric", ["open", "click"])
def test_winner_by_metric_goes_to_the_rest(crowd, marketer, delivery_job, metric):
    from daifuku.marketing.models import Delivery
    from daifuku.marketing.services import ab
    from daifuku.marketing.services.campaigns import start_send

    campaign = start_send(_ab_campaign(marketer, crowd, metric), actor=marketer)
    now = timezone.now()
    Delivery.objects.filter(campaign=campaign).update(status="sent", sent_at=now)
    a = Delivery.objects.filter(campaign=campaign, variant__label="A")
    b = Delivery.objects.filter(campaign=campaign, variant__label="B")
    # A is opened more, B clicked more: the metric decides
    Delivery.objects.filter(pk__in=list(a.values_list("pk", flat=True)[:6])).update(opened_at=now)
    Delivery.objects.filter(pk__in=list(b.values_list("pk", flat=True)[:3])).update(
        opened_at=now, clicked_at=now
    )
    assert ab.release_due(now=now + dt.timedelta(hours=1)) == []  # still waiting
    assert ab.release_due(now=now + dt.timedelta(hours=3)) == [campaign.pk]
    campaign.refresh_from_db()
    winner = "A" if metric == "open" else "B"
    assert campaign.variants.get(is_winner=True).label == winner
    groups = _by_variant(campaign)
    assert sum(len(g) for g in groups.values()) == 40
    assert len(groups[winner]) == 30 and campaign.status == "sending"
    assert Delivery.objects.filter(campaign=campaign).values("email").distinct().count() == 40
    assert delivery_job == [campaign.pk, campaign.pk]
    assert ab.release_due(now=now + dt.timedelta(hours=4)) == []  # once only


def test_rest_resolved_again_at_release(crowd, marketer, delivery_job):
    from daifuku.customers.models import Consent
    from daifuku.marketing.models import Delivery
    from daifuku.marketing.services import ab
    from daifuku.marketing.services.campaigns import start_send

    campaign = start_send(_ab_campaign(marketer, crowd), actor=marketer)
    tested = set(Delivery.objects.filter(campaign=campaign).values_list("person_id", flat=True))
    rest = Consent.objects.exclude(person_id__in=tested)
    rest.filter(pk__in=list(rest.values_list("pk", flat=True)[:3])).update(status="opted_out")
    ab.release_rest(campaign)
    campaign.refresh_from_db()
    assert Delivery.objects.filter(campaign=campaign).count() == 37
    assert campaign.skipped["opted_out"] == 3


def test_whole_audience_in_the_test(crowd, marketer, delivery_job):
    from daifuku.marketing.services.campaigns import start_send, update_campaign

    campaign = _ab_campaign(marketer, crowd)
    campaign = update_campaign(actor=marketer, campaign=campaign, data={"ab_share": 100})
    campaign = start_send(campaign, actor=marketer)
    groups = _by_variant(campaign)
    assert campaign.status == "sending" and len(groups["A"]) == len(groups["B"]) == 20


def test_variants_validated(crowd, marketer):
    from daifuku.core.errors import ValidationFailed
    from daifuku.marketing.services.campaigns import create_campaign

    with pytest.raises(ValidationFailed) as caught:
        create_campaign(actor=marketer, data={
            "name": "x", "segment_id": crowd.pk, "text": "本文", "variants": ["一つだけ"],
        })  # fmt: skip
    assert "variants" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        create_campaign(actor=marketer, data={
            "name": "x", "segment_id": crowd.pk, "text": "本文", "variants": ["A", "B"],
        })  # fmt: skip
    assert "ab_share" in caught.value.errors
