"""The two intakes against real servers: a dovecot started for the test (IMAP on a
loopback port, its own config, passwd-file user, maildir) and the aiosmtpd receiver of
``daifuku bounces --listen`` spoken to over a socket with smtplib."""

from __future__ import annotations

import imaplib
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from daifuku.marketing.feedback import imap, smtp
from daifuku.marketing.models import DeliveryStatus, MailEvent, Suppression

from . import feedback_rows as rows
from .feedback_servers import dovecot, free_port, sample


def _append(box, *names: str) -> None:
    client = imaplib.IMAP4(box.host, box.port)
    client.login(box.user, box.password)
    for name in names:
        client.append("INBOX", None, None, sample(name))
    client.logout()


def _folder(box, folder: str) -> tuple[int, int]:
    """(messages, unseen) in ``folder``."""
    client = imaplib.IMAP4(box.host, box.port)
    client.login(box.user, box.password)
    client.select(f'"{folder}"', readonly=True)
    total = len(client.uid("SEARCH", None, "ALL")[1][0].split())
    unseen = len(client.uid("SEARCH", None, "UNSEEN")[1][0].split())
    client.logout()
    return total, unseen


def _wire(name: str) -> bytes:
    """A sample as it travels over SMTP (CRLF line ends; smtplib leaves bytes as given)."""
    return sample(name).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _settings(box, processed: str = "") -> imap.MailboxSettings:
    return imap.MailboxSettings(
        host=box.host,
        port=box.port,
        user=box.user,
        password=box.password,
        ssl=False,
        processed_folder=processed,
    )


@pytest.mark.django_db
def test_the_mailbox_poll_records_moves_and_leaves_what_is_not_ours():
    sent = rows.sample_deliveries(rows.campaign())
    with dovecot() as box:
        _append(
            box, "dsn_postfix_hard.eml", "arf_abuse.eml", "autoreply.eml", "dsn_delayed_soft.eml"
        )
        result = imap.poll(_settings(box, processed="Processed"))
        assert dict(result.outcomes) == {
            "bounced": 1,
            "complaint": 1,
            "ignored": 1,
            "soft_bounce": 1,
        }
        assert result.left == 1
        # the out-of-office reply stays, read, for a person; the rest moved
        assert _folder(box, "INBOX") == (1, 0)
        assert _folder(box, "Processed") == (3, 0)
        # a second poll finds nothing unread: nothing is recorded twice
        again = imap.poll(_settings(box, processed="Processed"))
        assert again.read == 0
    assert (
        sent["dsn_postfix_hard.eml"]
        .__class__.objects.get(pk=sent["dsn_postfix_hard.eml"].pk)
        .status
        == DeliveryStatus.BOUNCED
    )
    assert MailEvent.objects.filter(kind="complaint").count() == 1
    assert set(Suppression.objects.values_list("email", flat=True)) == {
        "nosuchuser@example.ne.jp",
        "kaori@yahoo.co.jp",
    }


@pytest.mark.django_db
def test_without_a_processed_folder_recorded_messages_are_deleted_and_rereading_is_harmless():
    rows.sample_deliveries(rows.campaign())
    with dovecot() as box:
        _append(box, "qmail_failure.eml", "qmail_failure.eml")  # the same bounce delivered twice
        result = imap.poll(_settings(box))
        assert dict(result.outcomes) == {"bounced": 1, "duplicate": 1}
        assert _folder(box, "INBOX") == (0, 0)
    assert MailEvent.objects.filter(kind="bounce").count() == 1


@pytest.mark.django_db
def test_the_scheduled_job_reads_the_configured_mailbox(settings):
    from daifuku.marketing import jobs

    assert jobs.poll_bounce_mailbox() is None  # no mailbox configured: nothing to do
    rows.sample_deliveries(rows.campaign())
    with dovecot() as box:
        settings.DAIFUKU_BOUNCE_IMAP_HOST = box.host
        settings.DAIFUKU_BOUNCE_IMAP_PORT = box.port
        settings.DAIFUKU_BOUNCE_IMAP_USER = box.user
        settings.DAIFUKU_BOUNCE_IMAP_PASSWORD = box.password
        settings.DAIFUKU_BOUNCE_IMAP_SSL = False
        _append(box, "text_japanese_isp.eml")
        result = jobs.poll_bounce_mailbox()
        assert dict(result.outcomes) == {"bounced": 1}
        call_command("bounces", "--poll")  # the command's one-off poll: nothing left
        assert _folder(box, "INBOX") == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_the_smtp_receiver_records_reports_sent_to_the_bounce_domain(settings):
    settings.DAIFUKU_BOUNCE_ADDRESS = "bounce@mail.example.jp"
    sent = rows.sample_deliveries(rows.campaign())
    port = free_port()
    receiver = smtp.controller("127.0.0.1", port)
    receiver.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            # the Gmail report names the delivery only through the VERP envelope here
            token = sent["dsn_gmail_hard.eml"].token
            refused = client.sendmail(
                "", [f"bounce+b-{token}@mail.example.jp"], _wire("dsn_gmail_hard.eml")
            )
            assert refused == {}
            client.sendmail("", ["bounce@mail.example.jp"], _wire("arf_abuse.eml"))
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.sendmail("", ["someone@elsewhere.example"], _wire("arf_abuse.eml"))
    finally:
        receiver.stop()
    assert set(MailEvent.objects.values_list("kind", flat=True)) == {"bounce", "complaint"}
    assert (
        Suppression.objects.get(email="taro.notexist@gmail.com").delivery_id
        == sent["dsn_gmail_hard.eml"].pk
    )


@pytest.mark.django_db
def test_the_command_records_saved_messages(capsys):
    rows.sample_deliveries(rows.campaign())
    from .feedback_servers import SAMPLES

    call_command("bounces", str(SAMPLES / "qmail_failure.eml"), str(SAMPLES / "autoreply.eml"))
    out = capsys.readouterr().out
    assert "qmail_failure.eml: bounced (text)" in out and "autoreply.eml: ignored (other)" in out


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_daifuku_bounces_listen_records_what_arrives_on_its_port():
    """The command itself, as run in production: a separate process on the test database
    (PostgreSQL: SQLite's test database lives in this process's memory)."""
    from django.db import connection

    sent = rows.sample_deliveries(rows.campaign())
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )
    port = free_port()
    env = {
        **os.environ,
        "DAIFUKU_DATABASE_URL": url,
        "DAIFUKU_BOUNCE_ADDRESS": "bounce@mail.example.jp",
        "DJANGO_SETTINGS_MODULE": "daifuku.settings",
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    command = [sys.executable, "-m", "daifuku", "bounces", "--listen", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "the receiver did not listen"
                time.sleep(0.2)
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.sendmail("", ["bounce@mail.example.jp"], _wire("dsn_exchange_online.eml"))
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=20)[0].decode()
    assert process.returncode == 0, output
    row = sent["dsn_exchange_online.eml"]
    row.refresh_from_db()
    assert row.status == DeliveryStatus.BOUNCED
    assert Suppression.objects.get(email="tanaka@contoso.co.jp").reason == "bounce"
