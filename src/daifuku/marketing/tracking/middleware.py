"""The open pixel and the click redirect answered before the browser middleware.

A click must be answered fast (≥ 1,000 redirects a second on one machine, docs/
benchmarks.md) and a recipient's mail program has no session, no CSRF token, no htmx and
no language preference to speak of: sessions, locale, CSRF, authentication, messages,
htmx, the audit context and axes cost most of a request's CPU and do nothing for them.
This middleware sits after the security, static-file and request-guard layers (the
address is already checked for NULs and oversize) and answers a **valid** pixel or click
itself, through the same functions as the views in ``urls.py``. Anything else — a link
whose signature does not hold, a POST — goes down the ordinary stack, which shows the
translated 400 page or the 405.
"""

from __future__ import annotations

import re

from . import views

_OPEN = re.compile(r"^/m/o/([A-Za-z0-9_-]{1,32})\.gif$")
_CLICK = re.compile(r"^/m/c/([A-Za-z0-9_-]{1,32})/([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)$")


class TrackingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith("/m/") and request.method in ("GET", "HEAD"):
            found = _OPEN.match(path)
            if found:
                return views.pixel(request, found[1])
            found = _CLICK.match(path)
            if found:
                answer = views.redirect(request, *found.groups())
                if answer is not None:
                    return answer
        return self.get_response(request)
