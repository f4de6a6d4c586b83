"""Reading returned mail (no database): each sample is a realistic report of its kind —
Postfix and Gmail DSNs, a sendmail delay warning, a Yahoo! JAPAN-style ARF complaint, a
qmail failure notice and a Japanese ISP's plain-text bounce — plus an out-of-office reply
that must not count as a bounce."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daifuku.marketing.feedback import parse as parsing
from daifuku.marketing.feedback.verp import tokens_in, verp_address

from .feedback_servers import SAMPLES, sample

TOKENS_SAMPLES = {path.name for path in SAMPLES.glob("*.eml")}


@pytest.mark.parametrize(
    ("name", "kind", "fmt", "status", "recipient"),
    [
        ("dsn_postfix_hard.eml", parsing.HARD, "dsn", "5.1.1", "nosuchuser@example.ne.jp"),
        ("dsn_gmail_hard.eml", parsing.HARD, "dsn", "5.1.1", "taro.notexist@gmail.com"),
        ("dsn_exchange_online.eml", parsing.HARD, "dsn", "5.1.10", "tanaka@contoso.co.jp"),
        ("dsn_delayed_soft.eml", parsing.SOFT, "dsn", "4.2.2", "hanako@full.example.com"),
        ("qmail_failure.eml", parsing.HARD, "text", "5.1.1", "jiro@old-isp.example.ne.jp"),
        ("text_japanese_isp.eml", parsing.HARD, "text", "5.1.1", "saburo@example-isp.jp"),
        ("arf_abuse.eml", parsing.COMPLAINT, "arf", "", "redacted@yahoo.co.jp"),
    ],
)
def test_each_report_is_read_as_what_it_is(name, kind, fmt, status, recipient):
    report = parsing.parse(sample(name))
    assert (report.kind, report.format, report.status) == (kind, fmt, status)
    assert [r.email for r in report.recipients] == [recipient]


def test_a_dsn_names_its_delivery_by_verp_header_and_message_id():
    report = parsing.parse(sample("dsn_postfix_hard.eml"))
    assert report.verp_tokens == ["hB4tR9xKq2LmZ7vN3pWc8d"]
    assert report.header_tokens == ["hB4tR9xKq2LmZ7vN3pWc8d"]
    assert report.message_ids == ["<hB4tR9xKq2LmZ7vN3pWc8d@mail.example.jp>"]
    assert report.source_id == "<20261207011503.4F1A22C0123@mx.mail.example.jp>"
    assert "Recipient address rejected" in report.diagnostic


def test_gmail_returns_the_whole_original_and_its_message_id():
    report = parsing.parse(sample("dsn_gmail_hard.eml"))
    assert report.verp_tokens == [] and report.header_tokens == []
    assert "<gM3nB7vC1xZ9aQ5wE2rT6y@mail.example.jp>" in report.message_ids


def test_a_complaint_gives_the_feedback_type_and_the_provider():
    report = parsing.parse(sample("arf_abuse.eml"))
    assert report.feedback_type == "abuse"
    assert report.user_agent == "YahooJapanFBL/1.0"
    # the VERP return path is quoted in Original-Mail-From, the header in the original
    assert report.verp_tokens == ["cP8oI4uY2tR6eW0qA3sD5f"]
    assert report.header_tokens == ["cP8oI4uY2tR6eW0qA3sD5f"]


def test_a_not_spam_report_is_ignored():
    raw = sample("arf_abuse.eml").replace(b"Feedback-Type: abuse", b"Feedback-Type: not-spam")
    assert parsing.parse(raw).kind == parsing.IGNORE


def test_an_out_of_office_reply_is_not_a_bounce():
    report = parsing.parse(sample("autoreply.eml"))
    assert report.kind == parsing.IGNORE


def test_a_delivered_notice_is_ignored():
    raw = (
        sample("dsn_postfix_hard.eml")
        .replace(b"Action: failed", b"Action: delivered")
        .replace(b"Status: 5.1.1", b"Status: 2.0.0")
    )
    assert parsing.parse(raw).kind == parsing.IGNORE


def test_the_envelope_recipient_names_the_delivery_when_headers_do_not():
    report = parsing.parse(
        sample("dsn_gmail_hard.eml"),
        envelope_recipients=["bounce+b-gM3nB7vC1xZ9aQ5wE2rT6y@mail.example.jp"],
    )
    assert report.verp_tokens == ["gM3nB7vC1xZ9aQ5wE2rT6y"]


def test_a_plain_bounce_with_a_4xx_code_is_soft():
    raw = (
        sample("qmail_failure.eml")
        .replace(b"Sorry, no mailbox here by that name. (#5.1.1)", b"Connection timed out (#4.4.1)")
        .replace(b"This is a permanent error; I've given up.", b"I'm still trying.")
    )
    report = parsing.parse(raw)
    assert (report.kind, report.status) == (parsing.SOFT, "4.4.1")


def test_a_base64_encoded_report_is_read_too():
    """Older Exchange servers send the delivery-status part base64-encoded."""
    import base64

    raw = sample("dsn_exchange_online.eml")
    head = b"Content-Type: message/delivery-status\n\n"
    start = raw.index(head) + len(head)
    end = raw.index(b"\n--a1b2c3d4", start)
    encoded = (
        raw[: start - 1]
        + b"Content-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(raw[start:end])
        + raw[end:]
    )
    report = parsing.parse(encoded)
    assert (report.kind, report.status) == (parsing.HARD, "5.1.10")
    assert [r.email for r in report.recipients] == ["tanaka@contoso.co.jp"]


def test_garbage_is_ignored_not_an_error():
    assert parsing.parse(b"\x00\xff not a message at all").kind == parsing.IGNORE
    assert parsing.parse(b"").kind == parsing.IGNORE


def test_verp_addresses_round_trip():
    address = verp_address("a-b_C9xYz012345678901", "bounce@mail.example.jp")
    assert address == "bounce+b-a-b_C9xYz012345678901@mail.example.jp"
    assert tokens_in(f"<{address}>") == ["a-b_C9xYz012345678901"]
    assert verp_address("tok", "") == ""


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(sorted(TOKENS_SAMPLES)))
def test_any_bytes_or_a_mangled_report_read_without_an_error(noise, name):
    assert parsing.parse(noise).kind in {parsing.IGNORE, parsing.SOFT, parsing.HARD}
    raw = sample(name)
    cut = len(noise) % max(len(raw), 1)
    report = parsing.parse(raw[:cut] + noise + raw[cut:])
    assert report.kind in {parsing.IGNORE, parsing.SOFT, parsing.HARD, parsing.COMPLAINT}
