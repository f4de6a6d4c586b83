"""Request plumbing: the audit trail's "via", and the browser-only middleware that
token-authenticated API calls skip."""

from __future__ import annotations

import uuid

from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware

from .context import acting

API_PREFIX = "/api/"


def is_token_api_call(request) -> bool:
    """An integration calling ``/api/`` with ``Authorization: Bearer …``: it has no
    session, cookie state, flash messages or htmx, and the token alone says who it is."""
    return (request.path_info.startswith(API_PREFIX)
            and request.META.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer ")


class AuditContextMiddleware:
    """Marks every request as coming through the UI or the API for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith(API_PREFIX) else "ui"
        with acting(via, request_id=uuid.uuid4().hex[:12]):
            return self.get_response(request)


class _BrowserOnly:
    """Runs the middleware it is mixed into for browser requests only. A token API call
    goes straight on: its session would never be read, its user comes from the token
    (``api.auth.BearerToken``; a bad token is a 401, never a fall-back to a cookie, since
    without these the request has no session user), and each of these layers cost CPU on
    the hottest integration read (issue 2: the API list within 1.5 ms per request).
    Subclasses of Django's own classes, so the framework's checks still recognise them."""

    def __call__(self, request):
        if is_token_api_call(request):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_BrowserOnly, DjangoSessionMiddleware):
    pass


class AuthenticationMiddleware(_BrowserOnly, DjangoAuthenticationMiddleware):
    pass


class MessageMiddleware(_BrowserOnly, DjangoMessageMiddleware):
    pass
