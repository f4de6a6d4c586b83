"""The open pixel and the click redirect, answered to anyone (the recipient has no
account): each records one hit (``services.tracking.record_hit``) and answers at once.

A click link whose signature does not hold — changed, truncated, or never made by this
install — gets a 400 page in Japanese and **no redirect**, so the address cannot be used
to send people to a site of someone else's choosing."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from daifuku.core.client_ip import client_address

from ..models import HitKind
from ..services.tracking import record_hit
from . import links

# a transparent 1×1 GIF
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
NO_STORE = "no-store, no-cache, must-revalidate, private, max-age=0"


def _client(request) -> tuple[str, str]:
    """The fetching program and its address (behind the TLS proxy: the real client's, which
    tells Apple's privacy proxy apart)."""
    return request.META.get("HTTP_USER_AGENT", ""), client_address(request)


def pixel(request, token: str) -> HttpResponse:
    """The pixel, always (a mail program shows no error); a token of the right shape is
    recorded (an unknown one is dropped when the inbox is flushed); a HEAD is not."""
    if request.method == "GET" and links.TOKEN.match(token):
        agent, ip = _client(request)
        record_hit(kind=HitKind.OPEN, token=token, user_agent=agent, ip=ip)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = NO_STORE
    response["Content-Length"] = str(len(PIXEL))  # answered before CommonMiddleware
    return response


def redirect(request, token: str, packed: str, sig: str) -> HttpResponse | None:
    """The redirect of a signed link after recording the click (a HEAD — a link checker —
    is answered, not counted); None when the signature does not hold."""
    url = links.verified_url(token, packed, sig)
    if url is None:
        return None
    if request.method == "GET":
        agent, ip = _client(request)
        record_hit(kind=HitKind.CLICK, token=token, url=url, user_agent=agent, ip=ip)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = NO_STORE
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Length"] = "0"
    return response


@csrf_exempt
@require_safe
def open_pixel(request, token: str):
    """GET /m/o/<token>.gif (``TrackingMiddleware`` answers it first; this is the same)."""
    return pixel(request, token)


@csrf_exempt
@require_safe
def click(request, token: str, packed: str, sig: str):
    """GET /m/c/<token>/<address>/<signature>: 302 to the address after recording it, or
    the 400 page when the link is not one this install signed."""
    return redirect(request, token, packed, sig) or bad_link(request)


def bad_link(request):
    from ..selectors.tracking import sender_contact

    response = render(
        request, "marketing/tracking/bad_link.html", {"sender": sender_contact()}, status=400
    )
    response["Cache-Control"] = NO_STORE
    return response
