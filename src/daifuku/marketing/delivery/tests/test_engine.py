"""The engine against a real SMTP server on loopback (aiosmtpd): every recipient once, the
server's answers written back exactly (4xx retried with backoff, 5xx failed, a connection
lost after the message was handed over → unknown and never resent), claims disjoint, and
the claims of a worker that died reported as unknown."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from daifuku.marketing.delivery import claims, engine, recover_stale_claims, send_pending
from daifuku.marketing.delivery.tests import harness
from daifuku.marketing.mailing import hooks
from daifuku.marketing.models import Campaign, Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


class Scripted(harness.CountingHandler):
    """Answers by recipient: ``temp…`` 421 at RCPT the first time, ``busy…`` 454 after DATA
    always, ``perm…`` 550, ``lost…`` connection dropped after the message was received,
    ``flaky…`` connection dropped at RCPT the first time."""

    def __init__(self, pipelining: bool):
        super().__init__(pipelining=pipelining)
        self.keep = True
        self.seen: dict[str, int] = {}
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        self.seen[local] = self.seen.get(local, 0) + 1
        if local.startswith("temp") and self.seen[local] == 1:
            return "421 4.3.2 busy, try later"
        if local.startswith("perm"):
            return "550 5.1.1 no such user"
        if local.startswith("flaky") and self.seen[local] == 1:
            server.transport.abort()
            return "250 OK"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        local = envelope.rcpt_tos[0].split("@")[0]
        if local.startswith("busy"):
            return "454 4.7.1 not now"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        answer = await super().handle_DATA(server, session, envelope)
        if local.startswith("lost"):
            server.transport.abort()  # received, but the client never hears so
        return answer


@pytest.fixture(params=[True, False], ids=["pipelining", "one-command-at-a-time"])
def smtp_server(settings, request):
    harness.require_aiosmtpd()
    handler = Scripted(pipelining=request.param)
    with harness.SmtpServer(handler) as server:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.DAIFUKU_MAIL_RETRY_SECONDS = 60
        settings.DAIFUKU_MAIL_MAX_ATTEMPTS = 3
        yield handler


@pytest.fixture
def unlimited():
    harness.no_limits()


def test_every_recipient_gets_exactly_one_message(smtp_server, unlimited, settings):
    from daifuku.marketing.delivery import smtp

    probe = smtp.Session("127.0.0.1", settings.EMAIL_PORT)
    probe.open()
    assert probe.pipelining is smtp_server.pipelining  # both ways are exercised
    probe.close()
    campaign_id = harness.make_campaign(40, people=30)
    report = send_pending(campaign_id, batch_size=7)
    assert (report.sent, report.deferred, report.failed, report.unknown) == (40, 0, 0, 0)
    assert report.finished and report.connections == 1  # one persistent connection
    sent = Delivery.objects.filter(campaign_id=campaign_id)
    assert {d.status for d in sent} == {DeliveryStatus.SENT}
    assert sorted(smtp_server.ids) == sorted(d.message_id for d in sent)
    assert set(smtp_server.ids.values()) == {1}
    assert all(d.sent_at and d.response.startswith("250") and d.attempts == 1 for d in sent)
    campaign = Campaign.objects.get(pk=campaign_id)
    assert campaign.status == "sent" and campaign.finished_at
    by_id = {
        message_from_bytes(m, policy=policy.default)["Message-ID"]: message_from_bytes(
            m, policy=policy.default
        )
        for m in smtp_server.messages
    }
    first = sent.exclude(person=None).order_by("id").first()
    message = by_id[first.message_id]
    assert message["X-Daifuku-Delivery"] == first.token
    assert message["Subject"] == f"{first.person.family_name}様へ 春の新作のご案内【大福商店】"
    assert message["From"].addresses[0].display_name == "大福商店"
    assert first.message_id == f"<{first.token}@shop.example.jp>"
    text, html = message.iter_parts()
    assert f"{first.person.family_name} {first.person.given_name} 様" in text.get_content()
    # a second run finds nothing to send
    assert send_pending(campaign_id).sent == 0 and set(smtp_server.ids.values()) == {1}


def _campaign_of(locals_: list[str]) -> int:
    campaign_id = harness.make_campaign(len(locals_), people=0)
    for delivery, local in zip(
        Delivery.objects.filter(campaign_id=campaign_id).order_by("id"), locals_, strict=True
    ):
        delivery.email = f"{local}@example.jp"
        delivery.domain = "example.jp"
        delivery.save(update_fields=["email", "domain"])
    return campaign_id


def test_refusals_are_retried_with_backoff_then_given_up(smtp_server, unlimited):
    campaign_id = _campaign_of(["ok", "temp", "busy", "perm"])
    before = timezone.now()
    report = send_pending(campaign_id)
    assert (report.sent, report.deferred, report.failed) == (1, 2, 1)
    found = {d.email.split("@")[0]: d for d in Delivery.objects.filter(campaign_id=campaign_id)}
    assert found["perm"].status == DeliveryStatus.FAILED and found["perm"].response.startswith(
        "550"
    )
    for local in ("temp", "busy"):
        row = found[local]
        assert row.status == DeliveryStatus.DEFERRED and row.attempts == 1
        assert before + dt.timedelta(seconds=59) < row.next_attempt_at
    assert found["temp"].response.startswith("421") and found["busy"].response.startswith("454")
    assert report.next_due == min(found["temp"].next_attempt_at, found["busy"].next_attempt_at)
    assert not report.finished
    # nothing is due yet: a run sends nothing
    assert send_pending(campaign_id).sent == 0
    # the retry time comes: the second attempt waits twice as long after a second refusal
    Delivery.objects.filter(campaign_id=campaign_id, status="deferred").update(
        next_attempt_at=timezone.now()
    )
    report = send_pending(campaign_id)
    assert (report.sent, report.deferred) == (1, 1)
    busy = Delivery.objects.get(campaign_id=campaign_id, email="busy@example.jp")
    assert busy.attempts == 2
    assert busy.next_attempt_at - timezone.now() > dt.timedelta(seconds=110)
    Delivery.objects.filter(pk=busy.pk).update(next_attempt_at=timezone.now())
    report = send_pending(campaign_id)
    busy.refresh_from_db()
    assert busy.status == DeliveryStatus.FAILED and busy.attempts == 3
    assert busy.response.startswith("gave up after 3 attempts: 454")
    assert report.finished
    assert set(smtp_server.ids.values()) == {1} and len(smtp_server.ids) == 2  # ok, temp


def test_a_connection_lost_after_the_message_is_unknown_and_never_resent(smtp_server, unlimited):
    campaign_id = _campaign_of(["a", "lost", "b", "flaky", "c"])
    report = send_pending(campaign_id)
    found = {d.email.split("@")[0]: d for d in Delivery.objects.filter(campaign_id=campaign_id)}
    assert found["lost"].status == DeliveryStatus.UNKNOWN
    assert "connection lost before the server answered" in found["lost"].response
    # dropped before the message was handed over: sent again on a new connection, once
    assert found["flaky"].status == DeliveryStatus.SENT and smtp_server.seen["flaky"] == 2
    assert {found[k].status for k in "abc"} == {DeliveryStatus.SENT}
    assert (report.sent, report.unknown) == (4, 1) and report.connections == 3
    assert send_pending(campaign_id).sent == 0
    assert smtp_server.seen["lost"] == 1  # never tried again
    assert set(smtp_server.ids.values()) == {1} and len(smtp_server.ids) == 5


def test_claims_are_disjoint_and_only_due_rows_are_claimed(unlimited):
    campaign_id = harness.make_campaign(10, people=0)
    later = Delivery.objects.filter(campaign_id=campaign_id).order_by("id")[0]
    Delivery.objects.filter(pk=later.pk).update(
        status="deferred", next_attempt_at=timezone.now() + dt.timedelta(minutes=5)
    )
    first = claims.claim_batch(campaign_id, "w1", 4)
    second = claims.claim_batch(campaign_id, "w2", 100)
    assert len(first) == 4 and len(second) == 5 and not set(first) & set(second)
    assert later.pk not in first + second
    assert claims.claim_batch(campaign_id, "w3", 100) == []
    assert Delivery.objects.filter(claimed_by="w1", status="sending").count() == 4
    assert claims.release(first, "w2") == 0 and claims.release(first, "w1") == 4


def test_claims_of_stopped_workers_become_unknown_and_are_reported(smtp_server, unlimited):
    from daifuku.core.models_schedule import WorkerHeartbeat

    campaign_id = harness.make_campaign(6, people=0)
    ids = list(
        Delivery.objects.filter(campaign_id=campaign_id).order_by("id").values_list("pk", flat=True)
    )
    now = timezone.now()
    dead_here = f"{claims._HOST}-999999999-deadbeef"  # no such process on this machine
    alive_here = claims.current_worker()  # this very process
    elsewhere = "other-host-4242-abcdefgh"
    silent = "far-host-77-silentxx"
    for pk, (who, when) in zip(
        ids,
        [
            (dead_here, now),
            (alive_here, now),
            (elsewhere, now),
            (silent, now),
            (alive_here, now - dt.timedelta(hours=2)),  # no batch lasts an hour
            (elsewhere, now - dt.timedelta(minutes=30)),  # no heartbeat, long ago
        ],
        strict=True,
    ):
        Delivery.objects.filter(pk=pk).update(status="sending", claimed_by=who, claimed_at=when)
    WorkerHeartbeat.objects.create(
        worker_id=silent,
        hostname="far-host",
        pid=77,
        started_at=now,
        seen_at=now - dt.timedelta(minutes=5),
    )
    assert recover_stale_claims() == 4
    status = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert [status[pk] for pk in ids] == [
        "unknown",
        "sending",
        "sending",
        "unknown",
        "unknown",
        "unknown",
    ]
    assert engine.status_counts(campaign_id)["unknown"] == 4
    assert send_pending(campaign_id).sent == 0 and not smtp_server.ids  # never resent


def test_an_address_suppressed_meanwhile_gets_nothing(smtp_server, unlimited):
    from daifuku.marketing.services.suppression import suppress

    campaign_id = _campaign_of(["keep", "refused"])
    suppress("Refused@example.jp", "unsubscribe")
    report = send_pending(campaign_id)
    refused = Delivery.objects.get(campaign_id=campaign_id, email="refused@example.jp")
    assert refused.status == DeliveryStatus.FAILED
    assert refused.response.startswith("left out before sending")
    assert report.sent == 1 and len(smtp_server.ids) == 1


def test_a_cancelled_or_draft_campaign_sends_nothing(smtp_server, unlimited):
    campaign_id = harness.make_campaign(3, people=0, status="cancelled")
    assert send_pending(campaign_id).sent == 0
    Campaign.objects.filter(pk=campaign_id).update(status="draft")
    assert send_pending(campaign_id).sent == 0
    assert not smtp_server.ids
    assert set(
        Delivery.objects.filter(campaign_id=campaign_id).values_list("status", flat=True)
    ) == {"pending"}


def test_compose_and_bytes_hooks_shape_what_is_sent(smtp_server, unlimited):
    def compose(mail):
        mail.headers["List-Unsubscribe"] = f"<https://crm.example.jp/m/u/{mail.token}>"
        mail.envelope_from = f"bounce+{mail.token}@shop.example.jp"

    def sign(data, mail):
        return b"DKIM-Signature: v=1; test\r\n" + data

    saved = (list(hooks._compose), list(hooks._bytes))
    hooks.register_compose_hook(compose)
    hooks.register_bytes_hook(sign)
    try:
        campaign_id = harness.make_campaign(2, people=1)
        assert send_pending(campaign_id).sent == 2
    finally:
        hooks._compose[:], hooks._bytes[:] = saved
    tokens = set(Delivery.objects.filter(campaign_id=campaign_id).values_list("token", flat=True))
    assert {sender for sender, _ in smtp_server.envelopes} == {
        f"bounce+{t}@shop.example.jp" for t in tokens
    }
    for data in smtp_server.messages:
        assert data.startswith(b"DKIM-Signature: v=1; test\r\n")
        parsed = message_from_bytes(data, policy=policy.default)
        assert (
            parsed["List-Unsubscribe"]
            == f"<https://crm.example.jp/m/u/{parsed['X-Daifuku-Delivery']}>"
        )


def test_the_job_sends_and_the_watch_resumes_a_stalled_campaign(smtp_server, unlimited):
    from daifuku.marketing import jobs

    campaign_id = harness.make_campaign(5, people=5)
    jobs.send_campaign_task.enqueue(campaign_id)  # the test settings run it at once
    assert engine.status_counts(campaign_id)["sent"] == 5
    stalled = harness.make_campaign(3, people=0)
    assert jobs.delivery_watch() == [stalled]  # queued again (and run at once here)
    assert engine.status_counts(stalled)["sent"] == 3
    assert Campaign.objects.get(pk=stalled).status == "sent"
    assert set(smtp_server.ids.values()) == {1} and len(smtp_server.ids) == 8
