"""The address a request really comes from, behind the recommended TLS proxy.

Behind a proxy every request arrives from the proxy's address, so the login throttle
(django-axes, which locks a username *from an address*) saw one client and locked
everyone out together — or, counting per address, nobody. The proxy appends the address
it received the request from to ``X-Forwarded-For``; but anyone can send that header, so
it is believed only when the request comes from a trusted proxy
(``DAIFUKU_TRUSTED_PROXIES``, default the loopback addresses), and then only as far as
the chain goes through trusted proxies: the client is the rightmost hop that is not one
of them (what a client wrote further left is its own claim)."""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.DAIFUKU_TRUSTED_PROXIES)))


def client_address(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind a trusted proxy (and with
    ``DAIFUKU_BEHIND_PROXY`` on) the rightmost untrusted hop of ``X-Forwarded-For``."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.DAIFUKU_BEHIND_PROXY or not _trusted(remote):
        return remote
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = hop.strip()
        try:
            ipaddress.ip_address(hop)
        except ValueError:  # not an address: nothing left of it can be believed
            break
        client = hop
        if not _trusted(hop):
            break
    return client
