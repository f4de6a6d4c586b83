"""SPF, DKIM and DMARC of the From domain, asked of a DNS server on loopback, as
non-blocking pre-send problems and as the Gmail / Yahoo bulk-sender rules."""

from __future__ import annotations

import pytest

from daifuku.marketing.feedback import checks
from daifuku.marketing.mailing import hooks
from daifuku.marketing.models import MailSettings
from daifuku.marketing.services import deliverability

from . import feedback_rows as rows
from .feedback_servers import dns_server, free_port

pytestmark = pytest.mark.django_db

GOOD = {
    "example.jp": [
        "v=spf1 include:_spf.mailprovider.example ip4:192.0.2.10 ~all",
        "google-site-verification=abc",
    ],
    "_dmarc.example.jp": ["v=DMARC1; p=quarantine; rua=mailto:dmarc@example.jp"],
}


@pytest.fixture
def dns_on(settings):
    settings.DAIFUKU_DNS_PREFLIGHT = True
    from django.core.cache import cache

    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def sender(db):
    row, _ = MailSettings.objects.get_or_create(pk=MailSettings.SINGLETON_PK)
    row.from_email = "info@example.jp"
    row.save()
    return row


def _preflight(campaign) -> dict[str, hooks.Problem]:
    return {p.code: p for p in checks.preflight(campaign)}


def test_a_domain_with_its_records_raises_nothing(dns_on, sender, admin):
    key = deliverability.generate_dkim_key(actor=admin, domain="example.jp", selector="dk1")
    records = {**GOOD, "dk1._domainkey.example.jp": [checks_value(key)]}
    with dns_server(records) as resolver:
        dns_on.DAIFUKU_DNS_RESOLVER = resolver
        report = checks.check_domain("example.jp", checks.signing_of(key))
        assert [f.state for f in report.findings] == ["ok", "ok", "ok"]
        assert report.dmarc.policy == "quarantine" and report.aligned is True
        assert _preflight(rows.campaign()) == {}


def checks_value(row) -> str:
    from daifuku.marketing.feedback import signing

    return signing.record_value(row.dkim_private_key)


def test_missing_records_are_warnings_that_do_not_block(dns_on, sender, admin):
    deliverability.generate_dkim_key(actor=admin, domain="example.jp", selector="dk1")
    with dns_server({"example.jp": ["v=spf1 +all"]}) as resolver:
        dns_on.DAIFUKU_DNS_RESOLVER = resolver
        campaign = rows.campaign()
        found = _preflight(campaign)
        assert set(found) == {"spf_warning", "dkim_missing", "dmarc_missing"}
        assert not any(p.blocks for p in found.values())
        # the engine's gathering of every check keeps them as warnings
        assert {p.code for p in hooks.preflight_problems(campaign)} >= set(found)


def test_spf_without_a_server_and_two_spf_records_are_flagged(dns_on):
    with dns_server(
        {"a.example.jp": ["v=spf1 -all"], "b.example.jp": ["v=spf1 mx -all", "v=spf1 a -all"]}
    ) as resolver:
        dns_on.DAIFUKU_DNS_RESOLVER = resolver
        assert checks.check_domain("a.example.jp").spf.state == "warning"
        two = checks.check_domain("b.example.jp").spf
        assert (two.state, two.record) == ("warning", "v=spf1 mx -all | v=spf1 a -all")
        assert checks.check_domain("a.example.jp").dkim.state == "off"


def test_a_published_key_that_is_not_ours_is_flagged(dns_on, sender, admin):
    from daifuku.marketing.feedback import signing

    row = deliverability.generate_dkim_key(actor=admin, domain="example.jp", selector="dk1")
    with dns_server(
        {**GOOD, "dk1._domainkey.example.jp": [signing.record_value(signing.generate_key(1024))]}
    ) as resolver:
        dns_on.DAIFUKU_DNS_RESOLVER = resolver
        assert checks.check_domain("example.jp", checks.signing_of(row)).dkim.state == "warning"


def test_dns_that_does_not_answer_is_unknown_not_missing(dns_on, sender):
    dns_on.DAIFUKU_DNS_RESOLVER = f"127.0.0.1:{free_port()}"  # nobody listens there
    report = checks.check_domain("example.jp")
    assert (report.spf.state, report.dmarc.state) == ("unknown", "unknown")
    # before a send: one warning per record, none blocking
    problems = checks.problems_for(report)
    assert {p.code for p in problems} == {"spf_unknown", "dmarc_unknown"}
    assert not any(p.blocks for p in problems)


def test_the_preflight_is_off_when_dns_checks_are(settings, sender):
    settings.DAIFUKU_DNS_PREFLIGHT = False
    assert checks.preflight(rows.campaign()) == []


def test_bulk_sender_rules_say_which_are_met(dns_on):
    with dns_server(GOOD) as resolver:
        dns_on.DAIFUKU_DNS_RESOLVER = resolver
        report = checks.check_domain("example.jp")
    rules = {r.key: r.met for r in checks.bulk_rules(report, one_click=True, complaint_rate=0.004)}
    assert rules == {
        "spf_dkim": False,  # no DKIM signing
        "dmarc": True,
        "alignment": True,
        "one_click": True,
        "spam_rate": False,  # 0.4 % is over the 0.3 % line
        "ptr": None,
    }
    assert {r.key: r.met for r in checks.bulk_rules(report, one_click=None, complaint_rate=None)}[
        "spam_rate"
    ] is None
