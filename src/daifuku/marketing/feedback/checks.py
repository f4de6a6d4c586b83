"""Is the From domain ready to send? SPF, DKIM and DMARC as the world sees them in DNS,
and the Gmail / Yahoo bulk-sender rules (February 2024; 5,000 or more mails a day to
their users): SPF **and** DKIM, a DMARC record (``p=none`` is enough), the From domain
aligned with one of them, one-click unsubscribe (RFC 8058) and a spam-complaint rate
under 0.3 %.

Before a send these are warnings, never a block (``preflight``): a shop may send before
its records are right, and a DNS hiccup must not stop a campaign. The page 設定 → 送信ドメ
インの確認 shows the same findings with the records to publish."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from ..mailing import hooks
from . import dns as dnscheck
from .verp import bounce_address

OK, WARNING, MISSING, UNKNOWN, OFF = "ok", "warning", "missing", "unknown", "off"
BULK_DAILY = 5000
SPAM_RATE_LIMIT = 0.003  # 0.3 %: Gmail's and Yahoo's line (aim for under 0.1 %)
CACHE_SECONDS = 600
UNANSWERED_CACHE_SECONDS = 60
SPF_MECHANISM_RE = re.compile(
    r"(?:^|\s)[+~?-]?(include:|a\b|a:|mx\b|mx:|ip4:|ip6:|exists:|redirect=)", re.I
)
DMARC_POLICY_RE = re.compile(r"(?:^|;)\s*p\s*=\s*(none|quarantine|reject)\s*(?:;|$)", re.I)


@dataclass(frozen=True)
class Finding:
    """One record's state: ``ok``, ``warning`` (there but weak), ``missing``, ``unknown``
    (DNS did not answer) or ``off`` (DKIM when mail is not signed)."""

    key: str
    state: str
    name: str
    record: str = ""
    message: str = ""
    policy: str = ""


@dataclass(frozen=True)
class DomainReport:
    domain: str
    spf: Finding
    dkim: Finding
    dmarc: Finding
    aligned: bool | None = None

    @property
    def findings(self) -> list[Finding]:
        return [self.spf, self.dkim, self.dmarc]


@dataclass(frozen=True)
class Rule:
    """One bulk-sender requirement and whether it is met (True / False / None: unknown)."""

    key: str
    label: str
    met: bool | None
    detail: str = ""


@dataclass
class Signing:
    """What DKIM signing is set to (from MailSettings)."""

    domain: str = ""
    selector: str = ""
    public_key: str = ""  # the p= of our key, to compare with what DNS publishes

    @property
    def on(self) -> bool:
        return bool(self.domain and self.selector and self.public_key)


def domain_of(address: str) -> str:
    return (address or "").rpartition("@")[2].strip().lower().rstrip(".")


def aligned(from_domain: str, other: str) -> bool:
    """Relaxed DMARC alignment: the same organisational domain, approximated as one being
    the other or a subdomain of it."""
    a, b = from_domain.lower(), other.lower()
    return bool(a and b) and (a == b or a.endswith("." + b) or b.endswith("." + a))


def _spf(domain: str) -> Finding:
    try:
        records = [r for r in dnscheck.txt(domain) if r.lower().startswith("v=spf1")]
    except dnscheck.DnsUnavailable:
        return Finding("spf", UNKNOWN, domain, message=_("DNS did not answer; try again later."))
    if not records:
        return Finding("spf", MISSING, domain, message=_("No SPF record (TXT v=spf1 …)."))
    if len(records) > 1:
        return Finding(
            "spf",
            WARNING,
            domain,
            " | ".join(records),
            _("More than one SPF record: receivers treat that as an error."),
        )
    record = records[0]
    if re.search(r"(?:^|\s)\+?all\b", record, re.I):
        return Finding("spf", WARNING, domain, record, _("“+all” lets anyone send as this domain."))
    if not SPF_MECHANISM_RE.search(record):
        return Finding(
            "spf",
            WARNING,
            domain,
            record,
            _("The SPF record names no server (include:, ip4:, a, mx …)."),
        )
    return Finding("spf", OK, domain, record, _("SPF record found."))


def _dkim(signing: Signing) -> Finding:
    if not signing.on:
        return Finding("dkim", OFF, "", message=_("Mail is not signed with DKIM."))
    name = f"{signing.selector}._domainkey.{signing.domain}"
    try:
        records = dnscheck.txt(name)
    except dnscheck.DnsUnavailable:
        return Finding("dkim", UNKNOWN, name, message=_("DNS did not answer; try again later."))
    record = next((r for r in records if "p=" in r), "")
    if not record:
        return Finding(
            "dkim", MISSING, name, message=_("The DKIM key is not published at this name yet.")
        )
    published = re.search(r"(?:^|;)\s*p\s*=\s*([A-Za-z0-9+/=\s]*)", record)
    key = re.sub(r"\s", "", published.group(1)) if published else ""
    if key != signing.public_key:
        return Finding(
            "dkim",
            WARNING,
            name,
            record,
            _("The published key is not the key this system signs with."),
        )
    return Finding("dkim", OK, name, record, _("DKIM key published."))


def _dmarc(domain: str) -> Finding:
    name = f"_dmarc.{domain}"
    try:
        records = [r for r in dnscheck.txt(name) if r.lower().startswith("v=dmarc1")]
    except dnscheck.DnsUnavailable:
        return Finding("dmarc", UNKNOWN, name, message=_("DNS did not answer; try again later."))
    if not records:
        return Finding(
            "dmarc", MISSING, name, message=_("No DMARC record (_dmarc TXT v=DMARC1 …).")
        )
    record = records[0]
    policy = DMARC_POLICY_RE.search(record)
    if policy is None:
        return Finding("dmarc", WARNING, name, record, _("The DMARC record has no policy (p=)."))
    value = policy.group(1).lower()
    message = {
        "none": _("DMARC policy “none”: reports only (enough for the bulk-sender rules)."),
        "quarantine": _("DMARC policy “quarantine”: failing mail goes to spam."),
        "reject": _("DMARC policy “reject”: failing mail is refused."),
    }[value]
    return Finding("dmarc", OK, name, record, message, policy=value)


def check_domain(domain: str, signing: Signing | None = None) -> DomainReport:
    """SPF, DKIM and DMARC of ``domain`` as DNS answers now."""
    signing = signing or Signing()
    domain = domain.lower().rstrip(".")
    dkim_aligned = signing.on and aligned(domain, signing.domain)
    spf_aligned = aligned(domain, domain_of(bounce_address()) or domain)
    spf = _spf(domain)
    if spf.state == UNKNOWN:
        # DNS is not answering: asking twice more would only make the page wait longer
        silent = _("DNS did not answer; try again later.")
        return DomainReport(
            domain=domain,
            spf=spf,
            dkim=Finding("dkim", UNKNOWN if signing.on else OFF, "", message=silent),
            dmarc=Finding("dmarc", UNKNOWN, f"_dmarc.{domain}", message=silent),
            aligned=bool(dkim_aligned or spf_aligned),
        )
    return DomainReport(
        domain=domain,
        spf=spf,
        dkim=_dkim(signing),
        dmarc=_dmarc(domain),
        aligned=bool(dkim_aligned or spf_aligned),
    )


def one_click_unsubscribe_added() -> bool | None:
    """Whether the compose hooks put ``List-Unsubscribe-Post`` on an advertising mail
    (run on a probe mail that is never sent); None when a hook could not run on it."""
    probe = hooks.OutgoingMail(
        delivery_id=0,
        token="probe-token-0000000000",
        email="probe@example.invalid",
        person_id=None,
        campaign_id=0,
        subject="probe",
        html="<p>probe</p>",
        text="probe",
        from_name="probe",
        from_email="probe@example.invalid",
    )
    try:
        hooks.compose(probe)
    except Exception:
        return None
    names = {name.lower() for name in probe.headers}
    return "list-unsubscribe-post" in names and "list-unsubscribe" in names


def bulk_rules(
    report: DomainReport, *, one_click: bool | None, complaint_rate: float | None
) -> list[Rule]:
    """The Gmail / Yahoo bulk-sender rules against what was found."""
    spf_ok = report.spf.state == OK
    dkim_ok = report.dkim.state == OK
    rate = (
        _("%(rate).2f %% over the last 30 days") % {"rate": complaint_rate * 100}
        if complaint_rate is not None
        else _("No mail sent in the last 30 days.")
    )
    return [
        Rule(
            "spf_dkim",
            _("SPF and DKIM both set up for the From domain"),
            spf_ok and dkim_ok if report.spf.state != UNKNOWN else None,
        ),
        Rule(
            "dmarc",
            _("A DMARC record (p=none or stricter)"),
            report.dmarc.state == OK if report.dmarc.state != UNKNOWN else None,
            report.dmarc.policy,
        ),
        Rule(
            "alignment",
            _("From domain aligned with the SPF or DKIM domain (DMARC passes)"),
            report.aligned,
        ),
        Rule("one_click", _("One-click unsubscribe (List-Unsubscribe-Post, RFC 8058)"), one_click),
        Rule(
            "spam_rate",
            _("Spam complaint rate under 0.3 % (aim for under 0.1 %)"),
            None if complaint_rate is None else complaint_rate < SPAM_RATE_LIMIT,
            rate,
        ),
        Rule(
            "ptr",
            _("The sending server's IP has matching forward and reverse DNS (PTR)"),
            None,
            _("Ask the provider of the sending server; not checked here."),
        ),
    ]


def from_address_of(campaign, mail_settings) -> str:
    persona = getattr(campaign, "persona", None)
    return (getattr(persona, "from_email", "") or "") or (
        getattr(mail_settings, "from_email", "") if mail_settings else ""
    )


def cached_check(domain: str, signing: Signing) -> DomainReport:
    """The domain's report of the last ten minutes (one minute when DNS did not answer,
    so a send screen opened again does not wait for DNS again at once)."""
    digest = hashlib.sha256(signing.public_key.encode()).hexdigest()[:16]
    key = f"marketing.dns.{domain}.{signing.domain}.{signing.selector}.{digest}"
    found = cache.get(key)
    if found is None:
        found = check_domain(domain, signing)
        answered = all(f.state != UNKNOWN for f in found.findings)
        cache.set(key, found, CACHE_SECONDS if answered else UNANSWERED_CACHE_SECONDS)
    return found


def problems_for(report: DomainReport) -> list[hooks.Problem]:
    """The report's weak spots as non-blocking pre-send problems."""
    found = []
    for finding in report.findings:
        if finding.state in {OK, OFF}:
            continue
        found.append(
            hooks.Problem(
                code=f"{finding.key}_{finding.state}",
                message=f"{finding.key.upper()} ({finding.name or report.domain}): {finding.message}",
                blocks=False,
            )
        )
    if report.aligned is False:
        found.append(
            hooks.Problem(
                code="dmarc_not_aligned",
                message=_(
                    "Neither the DKIM domain nor the bounce domain matches the From domain %(domain)s: DMARC will fail."
                )
                % {"domain": report.domain},
                blocks=False,
            )
        )
    return found


def enabled() -> bool:
    return bool(getattr(settings, "DAIFUKU_DNS_PREFLIGHT", True))


def signing_of(row) -> Signing:
    """What MailSettings says about DKIM (the public key derived from the stored one)."""
    if row is None or not (row.dkim_domain and row.dkim_selector and row.dkim_private_key):
        return Signing()
    from .signing import public_key_b64

    try:
        public = public_key_b64(row.dkim_private_key)
    except ValueError:
        public = ""
    return Signing(row.dkim_domain, row.dkim_selector, public)


def preflight(campaign) -> list[hooks.Problem]:
    """Pre-send check (registered with ``register_preflight_check``): the From domain's
    SPF, DKIM and DMARC as warnings. A missing From address is the sender settings'
    check's to report."""
    if not enabled():
        return []
    from ..models import MailSettings

    row = MailSettings.objects.filter(pk=MailSettings.SINGLETON_PK).first()
    domain = domain_of(from_address_of(campaign, row))
    if not domain:
        return []
    return problems_for(cached_check(domain, signing_of(row)))
