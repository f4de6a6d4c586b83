"""The open pixel and the click redirect against the real URL conf and database: what a
hit records, what it never does (redirect a link nobody signed), and the batches."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from daifuku.marketing.models import Delivery, MailEvent, MailEventKind, TrackingHit
from daifuku.marketing.services import tracking
from daifuku.marketing.tracking import links

from . import mail_world

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
GMAIL_PROXY = (
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
)


@pytest.fixture
def sent(rep):
    campaign = mail_world.campaign(rep)
    person = mail_world.person(rep)
    # sent an hour ago: a fetch now is not "within seconds of sending"
    return mail_world.delivery(campaign, person, sent_at=timezone.now() - dt.timedelta(hours=1))


def get(path, agent=BROWSER, ip="203.0.113.5", method="get"):
    return getattr(Client(), method)(path, headers={"user-agent": agent}, REMOTE_ADDR=ip)


def path_of(url: str) -> str:
    return url.removeprefix(links.base_url())


def kinds(delivery) -> list[str]:
    return list(
        MailEvent.objects.filter(delivery=delivery).order_by("id").values_list("kind", flat=True)
    )


def test_the_pixel_records_the_first_open_only(sent):
    for _ in range(3):
        response = get(path_of(links.open_url(sent.token)))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/gif" and response.content.startswith(b"GIF89a")
        assert "no-store" in response["Cache-Control"]
    sent.refresh_from_db()
    assert sent.opened_at is not None and sent.clicked_at is None
    assert kinds(sent) == ["open"]
    event = MailEvent.objects.get(delivery=sent)
    assert (event.campaign_id, event.person_id) == (sent.campaign_id, sent.person_id)


@pytest.mark.parametrize(
    ("agent", "ip"),
    [
        (GMAIL_PROXY, "66.249.84.1"),
        ("YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html", "98.136.1.1"),
        ("Mozilla/5.0", "17.58.100.1"),  # Apple Mail Privacy Protection
        (BROWSER, "17.120.3.4"),  # from Apple's network
        ("", "198.51.100.1"),
        ("python-requests/2.32", "198.51.100.1"),
        ("Mozilla/5.0 (compatible; Barracuda Sentinel)", "198.51.100.1"),
    ],
)
def test_a_proxy_or_scanner_fetch_is_a_machine_open_counted_apart(sent, agent, ip):
    get(path_of(links.open_url(sent.token)), agent=agent, ip=ip)
    get(path_of(links.open_url(sent.token)), agent=agent, ip=ip)
    sent.refresh_from_db()
    assert sent.opened_at is None
    assert kinds(sent) == ["machine_open"]  # once per delivery
    get(path_of(links.open_url(sent.token)))  # then the person reads it
    sent.refresh_from_db()
    assert sent.opened_at is not None
    assert kinds(sent) == ["machine_open", "open"]


def test_a_fetch_within_seconds_of_sending_is_a_machine(rep):
    campaign = mail_world.campaign(rep)
    fresh = mail_world.delivery(campaign, mail_world.person(rep), sent_at=timezone.now())
    get(path_of(links.open_url(fresh.token)))
    assert kinds(fresh) == ["machine_open"]


def test_a_click_redirects_records_and_implies_an_open(sent):
    url = "https://shop.example.jp/tea?id=3&utm_source=mail"
    response = get(path_of(links.click_url(sent.token, url)))
    assert response.status_code == 302 and response["Location"] == url
    assert "no-store" in response["Cache-Control"]
    get(path_of(links.click_url(sent.token, "https://shop.example.jp/cup")))
    sent.refresh_from_db()
    assert sent.opened_at is not None and sent.clicked_at == sent.opened_at
    assert kinds(sent) == ["click", "open", "click"]
    clicks = MailEvent.objects.filter(delivery=sent, kind=MailEventKind.CLICK).order_by("id")
    assert [c.url for c in clicks] == [url, "https://shop.example.jp/cup"]
    assert MailEvent.objects.get(delivery=sent, kind="open").detail == {"by": "click"}
    # an open of the pixel afterwards is not a second "first open"
    get(path_of(links.open_url(sent.token)))
    assert kinds(sent).count("open") == 1


def test_a_tampered_link_is_a_japanese_400_page_and_never_a_redirect(sent, settings):
    settings.LANGUAGE_CODE = "ja"
    good = path_of(links.click_url(sent.token, "https://shop.example.jp/tea"))
    _m, _c, token, packed, sig = good.strip("/").split("/")
    evil = links.base64.urlsafe_b64encode(b"https://evil.example/phish").decode().rstrip("=")
    for path in (
        f"/m/c/{token}/{evil}/{sig}",  # another address, the old signature
        f"/m/c/{token}/{packed}/{sig[:-2]}xx",  # the signature changed
        f"/m/c/{token}/{packed}/{sig[:10]}",  # cut off
        f"/m/c/unknowntoken/{packed}/{sig}",  # another delivery's link
        f"/m/c/{token}/{packed}/{'A' * 22}",
    ):
        response = get(path, method="get")
        assert response.status_code == 400, path
        assert "Location" not in response
        body = response.content.decode()
        assert "このリンクは開けません" in body and "evil.example" not in body
    assert not TrackingHit.objects.exists() and not MailEvent.objects.exists()


def test_a_head_request_is_answered_but_not_counted(sent):
    response = get(path_of(links.click_url(sent.token, "https://shop.example.jp/")), method="head")
    assert response.status_code == 302
    get(path_of(links.open_url(sent.token)), method="head")
    assert not MailEvent.objects.exists()


def test_hits_of_an_unknown_token_are_dropped_and_the_pixel_still_answers(db):
    response = get("/m/o/nobodys_token_12345.gif")
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    url = links.click_url("nobodys_token_12345", "https://shop.example.jp/")
    assert get(path_of(url)).status_code == 302  # a signed link of a deleted delivery still works
    assert not TrackingHit.objects.exists() and not MailEvent.objects.exists()
    assert get("/m/o/bad token!.gif").status_code in (200, 404)


def test_hits_wait_in_the_inbox_and_a_flush_moves_them_in_batches(rep, settings):
    settings.DAIFUKU_TRACKING_FLUSH_HITS = 10_000
    tracking._pending.last = 10**12  # not due by time either
    campaign = mail_world.campaign(rep)
    earlier = timezone.now() - dt.timedelta(hours=1)
    deliveries = [mail_world.delivery(campaign, sent_at=earlier) for _ in range(30)]
    for d in deliveries:
        get(path_of(links.open_url(d.token)))
        get(path_of(links.click_url(d.token, "https://shop.example.jp/a")))
        get(path_of(links.click_url(d.token, "https://shop.example.jp/b")))
    assert TrackingHit.objects.count() == 90 and not MailEvent.objects.exists()
    assert tracking.flush(limit=7) == 90  # several batches
    assert not TrackingHit.objects.exists()
    assert MailEvent.objects.filter(kind="open").count() == 30
    assert MailEvent.objects.filter(kind="click").count() == 60
    assert Delivery.objects.filter(opened_at__isnull=False, clicked_at__isnull=False).count() == 30
    assert tracking.flush() == 0
    tracking._pending.last = 0


def test_an_open_or_click_tells_the_segments(rep, admin, django_capture_on_commit_callbacks):
    from daifuku.marketing.models import SegmentMembership
    from daifuku.marketing.services import create_segment

    campaign = mail_world.campaign(rep)
    person = mail_world.person(rep, "佐藤", "花子")
    d = mail_world.delivery(campaign, person, sent_at=timezone.now() - dt.timedelta(hours=1))
    clicked = create_segment(
        actor=admin,
        data={
            "name": "クリックした人",
            "rules": {"all": [{"field": "clicked_campaign", "op": "eq", "value": campaign.pk}]},
        },
    )
    assert not SegmentMembership.objects.filter(segment=clicked).exists()
    with django_capture_on_commit_callbacks(execute=True):
        get(path_of(links.click_url(d.token, "https://shop.example.jp/")))
    assert list(
        SegmentMembership.objects.filter(segment=clicked).values_list("person_id", flat=True)
    ) == [person.pk]


def test_a_click_is_answered_before_the_browser_layers_and_other_methods_are_refused(sent):
    url = path_of(links.click_url(sent.token, "https://shop.example.jp/"))
    response = get(url)
    assert response.status_code == 302 and response["Content-Length"] == "0"
    assert not response.cookies and "Vary" not in response  # no session, no language cookie
    assert Client().post(url).status_code == 405
    assert Client().post(path_of(links.open_url(sent.token))).status_code == 405
    assert kinds(sent) == ["click", "open"]


def test_behind_the_tls_proxy_the_client_address_tells_apple_apart(sent, settings):
    settings.DAIFUKU_BEHIND_PROXY = True
    Client().get(
        path_of(links.open_url(sent.token)),
        headers={"user-agent": BROWSER, "x-forwarded-for": "17.58.1.2"},
        REMOTE_ADDR="127.0.0.1",
    )
    assert kinds(sent) == ["machine_open"]


def test_a_click_or_an_open_costs_one_insert_until_a_flush_is_due(
    sent, settings, django_assert_num_queries
):
    settings.DAIFUKU_TRACKING_FLUSH_HITS = 10_000
    tracking._pending.last = 10**12
    try:
        with django_assert_num_queries(1):
            get(path_of(links.click_url(sent.token, "https://shop.example.jp/")))
        with django_assert_num_queries(1):
            get(path_of(links.open_url(sent.token)))
        # a batch however large: read, delete, lock the deliveries, machine opens seen,
        # events, first opens, first clicks (+ the savepoint of the test's transaction)
        with django_assert_num_queries(9):
            assert tracking.flush() == 2
    finally:
        tracking._pending.last = 0
