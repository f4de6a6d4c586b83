"""A campaign's figures and conversions on deliveries generated in many states, checked
number by number; conversions at the edges of the window; the timeline's sentences."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daifuku.marketing.models import MailEvent, MailEventKind, MailSettings
from daifuku.marketing.selectors.mail_stats import campaign_counts, variant_counts
from daifuku.marketing.services.conversions import attribute_order

from . import mail_world

pytestmark = pytest.mark.django_db

SENT = mail_world.SENT_AT


def event(d, kind, at=None, **extra):
    return MailEvent.objects.create(
        delivery=d,
        campaign_id=d.campaign_id,
        person_id=d.person_id,
        kind=kind,
        at=at or SENT,
        **extra,
    )


def opened(d, at, *, clicked=False):
    d.opened_at = at
    if clicked:
        d.clicked_at = at
    d.save()
    event(d, MailEventKind.OPEN, at)
    if clicked:
        event(d, MailEventKind.CLICK, at, url="https://shop.example.jp/")


def test_campaign_and_variant_counts_number_by_number(rep, django_assert_max_num_queries):
    campaign = mail_world.campaign(rep, variants=("A", "B"))
    plan = {  # variant: (status, opened, clicked, machine, unsubscribed, complained)
        "A": [("sent", 1, 1, 1, 0, 0), ("sent", 1, 0, 0, 1, 0), ("sent", 0, 0, 1, 0, 0), ("bounced", 0, 0, 0, 0, 0), ("sent", 0, 0, 0, 0, 1)],
        "B": [("sent", 1, 1, 0, 0, 0), ("failed", 0, 0, 0, 0, 0), ("unknown", 0, 0, 0, 0, 0), ("pending", 0, 0, 0, 0, 0), ("deferred", 0, 0, 0, 0, 0)],
    }  # fmt: skip
    rows = {}
    for label, states in plan.items():
        for i, (status, o, c, m, u, comp) in enumerate(states):
            d = mail_world.delivery(campaign, status=status, variant=label)
            rows[(label, i)] = d
            if m:
                event(d, MailEventKind.MACHINE_OPEN)
                event(d, MailEventKind.MACHINE_OPEN)  # two proxy fetches: one delivery
            if o:
                opened(d, SENT + dt.timedelta(hours=1), clicked=bool(c))
            if u:
                event(d, MailEventKind.UNSUBSCRIBE)
            if comp:
                event(d, MailEventKind.COMPLAINT)
    event(
        rows[("A", 0)],
        MailEventKind.CONVERSION,
        order_id=1,
        revenue=5500,
        detail={"second_purchase": True},
    )
    event(
        rows[("A", 1)],
        MailEventKind.CONVERSION,
        order_id=2,
        revenue=1100,
        detail={"second_purchase": False},
    )
    event(rows[("B", 0)], MailEventKind.CONVERSION, order_id=3, revenue=3300, detail={})
    event(rows[("A", 3)], MailEventKind.BOUNCE)  # the bounce handler's event: counted by status
    other = mail_world.campaign(rep, name="別の配信")
    opened(mail_world.delivery(other), SENT)
    with django_assert_max_num_queries(2):
        counts = campaign_counts(campaign.pk)
    figures = {k: v for k, v in counts.items() if k != "rates"}
    assert figures == {
        "sent": 6, "delivered": 5, "bounced": 1, "failed": 1, "unknown": 1, "pending": 2,
        "opened": 3, "machine_opened": 2, "clicked": 2, "unsubscribed": 1, "complained": 1,
        "conversions": 3, "revenue": 9900, "second_purchase_conversions": 1,
    }  # fmt: skip
    assert counts["rates"] == {
        "open_rate": 0.6, "click_rate": 0.4, "click_to_open_rate": 0.6667, "conversion_rate": 0.6,
        "unsubscribe_rate": 0.2, "complaint_rate": 0.2, "bounce_rate": 0.1667,
    }  # fmt: skip
    with django_assert_max_num_queries(2):
        per_variant = variant_counts(campaign.pk)
    assert list(per_variant) == ["A", "B"]
    a, b = per_variant["A"], per_variant["B"]
    assert (
        a["sent"],
        a["delivered"],
        a["bounced"],
        a["opened"],
        a["clicked"],
        a["machine_opened"],
    ) == (5, 4, 1, 2, 1, 2)
    assert (a["conversions"], a["revenue"], a["second_purchase_conversions"]) == (2, 6600, 1)
    assert (b["sent"], b["failed"], b["unknown"], b["pending"], b["opened"], b["clicked"]) == (
        1,
        1,
        1,
        2,
        1,
        1,
    )
    assert b["rates"]["open_rate"] == 1.0 and b["conversions"] == 1


def test_a_campaign_without_deliveries_has_zeros_and_no_rates(rep):
    campaign = mail_world.campaign(rep)
    counts = campaign_counts(campaign.pk)
    assert counts["sent"] == 0 and counts["revenue"] == 0
    assert set(counts["rates"].values()) == {None}
    assert variant_counts(campaign.pk) == {}
    mail_world.delivery(campaign)
    assert list(variant_counts(campaign.pk)) == [""]


# --- conversions -------------------------------------------------------------------------


@pytest.fixture
def shop(admin):
    from daifuku.commerce.services import create_product

    return create_product(
        actor=admin, data={"code": "TEA", "name": "新茶", "unit_price": 1000, "tax_rate": 8}
    )


def order(admin, person, number, when, product):
    from daifuku.commerce.services import record_order

    return record_order(
        actor=admin, number=number, ordered_at=when, person=person,
        lines=[{"product_id": product.pk, "quantity": 1}],
    )[0]  # fmt: skip


def test_a_purchase_within_the_window_is_the_latest_mails_conversion(
    rep, admin, shop, django_capture_on_commit_callbacks
):
    MailSettings.objects.update_or_create(pk=1, defaults={"conversion_days": 3})
    person = mail_world.person(rep)
    first = mail_world.campaign(rep, name="夏のご案内")
    second = mail_world.campaign(rep, name="秋の新茶のご案内")
    d1 = mail_world.delivery(first, person)
    d2 = mail_world.delivery(second, person)
    opened(d1, SENT + dt.timedelta(hours=1), clicked=True)
    opened(d2, SENT + dt.timedelta(hours=2))
    event(d1, MailEventKind.MACHINE_OPEN, SENT + dt.timedelta(hours=5))  # a proxy: no touch
    with django_capture_on_commit_callbacks(execute=True):  # order.recorded → the job
        bought = order(admin, person, "A-1", SENT + dt.timedelta(days=1), shop)
    conversion = MailEvent.objects.get(kind=MailEventKind.CONVERSION)
    assert (conversion.delivery_id, conversion.order_id, conversion.revenue) == (
        d2.pk,
        bought.pk,
        bought.total,
    )
    assert conversion.at == bought.ordered_at and conversion.person_id == person.pk
    assert conversion.detail == {"second_purchase": False, "after": "open"}
    assert attribute_order(order_id=bought.pk) is None  # once per order
    assert MailEvent.objects.filter(kind=MailEventKind.CONVERSION).count() == 1
    assert campaign_counts(second.pk)["revenue"] == bought.total


@pytest.mark.parametrize(
    ("after", "counts"),
    [
        (dt.timedelta(days=3), True),  # exactly N days after the click: inside
        (dt.timedelta(days=3, seconds=1), False),
        (dt.timedelta(0), True),  # the same instant
        (-dt.timedelta(seconds=1), False),  # bought before the mail was opened
    ],
)
def test_the_window_edges(rep, admin, shop, after, counts):
    MailSettings.objects.update_or_create(pk=1, defaults={"conversion_days": 3})
    person = mail_world.person(rep)
    d = mail_world.delivery(mail_world.campaign(rep), person)
    clicked_at = SENT + dt.timedelta(hours=2)
    opened(d, clicked_at, clicked=True)
    bought = order(admin, person, "W-1", clicked_at + after, shop)
    assert (attribute_order(order_id=bought.pk) is not None) is counts


def test_a_company_order_or_someone_who_never_opened_is_no_conversion(rep, admin, shop):
    from daifuku.customers.services import create_company

    person = mail_world.person(rep)
    mail_world.delivery(mail_world.campaign(rep), person)  # sent, never opened
    assert (
        attribute_order(order_id=order(admin, person, "N-1", SENT + dt.timedelta(days=1), shop).pk)
        is None
    )
    company = create_company(actor=admin, data={"name": "株式会社テスト"})
    from daifuku.commerce.services import record_order

    theirs = record_order(actor=admin, number="C-1", ordered_at=SENT, company=company, total=1100)[
        0
    ]
    assert attribute_order(order_id=theirs.pk) is None


def test_the_second_purchase_of_a_first_time_buyer(rep, admin, shop):
    buyer = mail_world.person(rep, "初回", "購入")
    repeat = mail_world.person(rep, "常連", "客")
    order(admin, buyer, "F-1", SENT - dt.timedelta(days=30), shop)  # one purchase before the mail
    order(admin, repeat, "R-1", SENT - dt.timedelta(days=60), shop)
    order(admin, repeat, "R-2", SENT - dt.timedelta(days=30), shop)
    campaign = mail_world.campaign(rep)
    for person in (buyer, repeat):
        opened(mail_world.delivery(campaign, person), SENT + dt.timedelta(hours=1), clicked=True)
    second = attribute_order(
        order_id=order(admin, buyer, "F-2", SENT + dt.timedelta(days=2), shop).pk
    )
    third = attribute_order(
        order_id=order(admin, buyer, "F-3", SENT + dt.timedelta(days=3), shop).pk
    )
    theirs = attribute_order(
        order_id=order(admin, repeat, "R-3", SENT + dt.timedelta(days=2), shop).pk
    )
    assert second.detail["second_purchase"] is True
    assert third.detail["second_purchase"] is False  # a third purchase
    assert theirs.detail["second_purchase"] is False  # was a repeat buyer already
    counts = campaign_counts(campaign.pk)
    assert (counts["conversions"], counts["second_purchase_conversions"]) == (3, 1)


# --- timeline ----------------------------------------------------------------------------


def test_opens_clicks_and_purchases_on_the_persons_timeline(
    rep, admin, settings, django_assert_num_queries
):
    from django.utils import translation

    from daifuku.core.timeline import collect

    person = mail_world.person(rep)
    d = mail_world.delivery(mail_world.campaign(rep, name="秋の新茶のご案内"), person)
    event(d, MailEventKind.MACHINE_OPEN, SENT + dt.timedelta(minutes=1))
    opened(d, SENT + dt.timedelta(hours=1))
    event(d, MailEventKind.CLICK, SENT + dt.timedelta(hours=2), url="https://shop.example.jp/tea")
    event(d, MailEventKind.CONVERSION, SENT + dt.timedelta(hours=3), order_id=9, revenue=12100)
    with translation.override("ja"), django_assert_num_queries(1):
        items = [i for i in collect(person, user=rep, kinds=["mail"])]
    assert [(i.title, i.body) for i in items] == [
        ("メール「秋の新茶のご案内」の後に購入しました", "¥12,100"),
        ("メール「秋の新茶のご案内」のリンクをクリックしました", "https://shop.example.jp/tea"),
        ("メール「秋の新茶のご案内」を開封しました", ""),
    ]
    older = collect(person, user=rep, kinds=["mail"], before=SENT + dt.timedelta(hours=2))
    assert [i.sort_id for i in older] == [items[-1].sort_id]
    assert all(i.kind == "mail" for i in items) and timezone.is_aware(items[0].at)
