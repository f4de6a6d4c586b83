"""TXT look-ups for the sending-domain checks, through a resolver the administrator can
name: ``DAIFUKU_DNS_RESOLVER`` = ``host[:port]`` (comma-separated for several) instead of
the system's ``/etc/resolv.conf`` — an internal resolver, or in the tests a DNS server on
loopback. ``DAIFUKU_DNS_PREFLIGHT=0`` turns the look-ups before a send off (offline
installs; the test settings)."""

from __future__ import annotations

import dns.exception
import dns.resolver
from django.conf import settings

LIFETIME = 3.0


class DnsUnavailable(Exception):
    """The resolver did not answer (timeout, SERVFAIL): the record may well exist."""


def _nameservers() -> list[tuple[str, int]]:
    configured = getattr(settings, "DAIFUKU_DNS_RESOLVER", "") or ""
    servers = []
    for item in configured.split(","):
        item = item.strip()
        if not item:
            continue
        host, port = item, 53
        if item.count(":") == 1:  # host:port (an IPv6 address alone has several colons)
            host, _, port_text = item.partition(":")
            port = int(port_text)
        elif item.startswith("[") and "]:" in item:
            host, _, port_text = item[1:].partition("]:")
            port = int(port_text)
        servers.append((host, port))
    return servers


def resolver() -> dns.resolver.Resolver:
    servers = _nameservers()
    if servers:
        found = dns.resolver.Resolver(configure=False)
        found.nameservers = [host for host, _ in servers]
        found.port = servers[0][1]
    else:
        found = dns.resolver.Resolver()
    found.lifetime = LIFETIME
    found.timeout = LIFETIME
    return found


def txt(name: str) -> list[str]:
    """The TXT strings at ``name`` (each record's strings joined); ``[]`` when the name or
    the record does not exist. Raises :class:`DnsUnavailable` when no answer came."""
    try:
        answer = resolver().resolve(name, "TXT", raise_on_no_answer=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.Timeout, dns.resolver.NoNameservers, OSError) as error:
        raise DnsUnavailable(str(error)) from error
    except dns.exception.DNSException as error:
        raise DnsUnavailable(str(error)) from error
    if answer.rrset is None:
        return []
    return [b"".join(record.strings).decode("utf-8", "replace") for record in answer.rrset]


def dkim_dnsfunc(name: bytes, timeout: int = 5) -> bytes | None:
    """dkimpy's ``dnsfunc``: the key record through the same resolver (verification in
    the tests and on the settings page)."""
    try:
        records = txt(name.decode("ascii").rstrip("."))
    except DnsUnavailable:
        return None
    return records[0].encode("utf-8") if records else None
