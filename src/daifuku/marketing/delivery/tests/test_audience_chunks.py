"""A large audience is written in chunks: 「配信開始」 writes the first chunk of delivery
rows and the engine starts on it while the rest are written, each chunk with the cursor
in one transaction — every recipient gets one row and one message, nobody twice, and the
campaign is not finished before its last chunk is written."""

from __future__ import annotations

import pytest

from daifuku.customers.models import EmailAddress
from daifuku.marketing.delivery import send_pending
from daifuku.marketing.delivery.tests import harness
from daifuku.marketing.models import Campaign, Delivery, DeliveryStatus, StaticMember
from daifuku.marketing.services import audience, campaigns

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    harness.require_aiosmtpd()
    handler = harness.CountingHandler()
    with harness.SmtpServer(handler) as server:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.DAIFUKU_MAIL_AUDIENCE_CHUNK = 10
        harness.no_limits()
        yield handler


def _campaign(people: int) -> Campaign:
    segment_id = harness.make_audience(people)
    return Campaign.objects.create(
        name="大量配信", segment_id=segment_id, subject=harness.SUBJECT, html=harness.HTML,
        text=harness.TEXT, is_advertising=False,
    )  # fmt: skip


def test_the_send_writes_the_first_chunk_and_the_rest_follow_once(
    sink, django_capture_on_commit_callbacks
):
    campaign = _campaign(25)
    # two people of later chunks share an address with an earlier one: one mail each address
    members = StaticMember.objects.filter(segment_id=campaign.segment_id)
    first = EmailAddress.objects.filter(person_id__in=members.values("person_id")).earliest(
        "person_id"
    )
    EmailAddress.objects.filter(person_id__in=[first.person_id + 12, first.person_id + 21]).update(
        address=first.address
    )
    with django_capture_on_commit_callbacks(execute=False):
        campaigns.start_send(campaign)
    campaign.refresh_from_db()
    assert campaign.status == "sending" and campaign.audience_cursor == first.person_id + 9
    assert Delivery.objects.filter(campaign=campaign).count() == 10
    assert audience.still_writing(campaign.pk)
    assert campaigns.finish_done() == []  # nothing left to send, but rows still to come
    # the engine sends the first chunk, then writes and sends the next ones itself
    report = send_pending(campaign.pk, batch_size=4)
    campaign.refresh_from_db()
    assert campaign.audience_cursor is None and campaign.status == "sent"
    rows = Delivery.objects.filter(campaign=campaign)
    assert rows.count() == 23 and set(rows.values_list("status", flat=True)) == {
        DeliveryStatus.SENT
    }
    assert report.sent == 23 and set(sink.ids.values()) == {1} and len(sink.ids) == 23
    assert campaign.skipped["duplicate"] == 2 and sum(campaign.skipped.values()) == 2
    # nothing more to write: extending again writes nothing
    assert audience.extend(campaign.pk) is False and rows.count() == 23


def test_extending_stops_when_the_campaign_is_cancelled(sink, django_capture_on_commit_callbacks):
    campaign = _campaign(35)
    with django_capture_on_commit_callbacks(execute=False):
        campaigns.start_send(campaign)
    assert audience.extend(campaign.pk, chunks=1) is True
    assert Delivery.objects.filter(campaign=campaign).count() == 20
    Campaign.objects.filter(pk=campaign.pk).update(status="cancelled")
    assert audience.extend(campaign.pk) is False
    assert Delivery.objects.filter(campaign=campaign).count() == 20


def test_the_watch_resumes_a_campaign_whose_rows_are_still_being_written(
    sink, django_capture_on_commit_callbacks
):
    from daifuku.marketing.delivery import campaigns_to_resume, finish_done_campaigns

    campaign = _campaign(15)
    with django_capture_on_commit_callbacks(execute=False):
        campaigns.start_send(campaign)
    # its first chunk is sent, the worker that was writing the rest died
    Delivery.objects.filter(campaign=campaign).update(status=DeliveryStatus.SENT)
    assert finish_done_campaigns() == 0
    assert campaign.pk in campaigns_to_resume()
    assert Campaign.objects.get(pk=campaign.pk).status == "sending"
