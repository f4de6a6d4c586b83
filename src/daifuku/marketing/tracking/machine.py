"""Telling a person opening a mail from a machine fetching its pixel.

Some fetches of the open pixel are not a person reading the mail:

* **privacy proxies** load every image of every mail when it arrives, read or not —
  Apple Mail Privacy Protection (Apple's own addresses, 17.0.0.0/8, and a bare
  ``Mozilla/5.0`` user agent), Gmail's image proxy (``GoogleImageProxy``), Yahoo's
  (``YahooMailProxy``);
* **security scanners** of companies' mail gateways fetch images and links to inspect them
  (Barracuda, Mimecast, Proofpoint …) and HTTP libraries;
* a fetch **within seconds of sending** is a machine: no person opens a mail that fast.

Such a fetch is recorded as ``machine_open`` and counted apart; it never sets the
delivery's ``opened_at`` nor counts in the open rate. A click still counts (and implies an
open): a person clicked.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

# a pixel fetched this soon after the mail was handed to the receiving server
MACHINE_SECONDS = 10

PROXY_AGENTS = (
    "googleimageproxy",
    "yahoomailproxy",
    "ymailproxy",
    "via ggpht.com",
    "barracuda",
    "mimecast",
    "proofpoint",
    "symantec",
    "messagelabs",
    "trendmicro",
    "forcepoint",
    "fireeye",
    "ironport",
    "python-requests",
    "python-urllib",
    "curl/",
    "wget/",
    "go-http-client",
    "okhttp",
    "java/",
    "libwww",
    "bot",
    "crawler",
    "spider",
)
# Apple Mail Privacy Protection fetches from Apple's network
APPLE = ipaddress.ip_network("17.0.0.0/8")


def _from_apple(ip: str) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return address.version == 4 and address in APPLE


def is_machine_open(
    *, user_agent: str, ip: str, sent_at: dt.datetime | None, at: dt.datetime
) -> bool:
    """Whether a fetch of the open pixel was a proxy's or a scanner's, not a person's."""
    agent = (user_agent or "").strip()
    if not agent or agent == "Mozilla/5.0":
        return True
    lowered = agent.lower()
    if any(marker in lowered for marker in PROXY_AGENTS):
        return True
    if _from_apple(ip):
        return True
    return sent_at is not None and (at - sent_at).total_seconds() < MACHINE_SECONDS
