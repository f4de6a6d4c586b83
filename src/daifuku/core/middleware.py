"""Request plumbing: the audit trail's "via", and the browser-only middleware that
token-authenticated API calls skip."""

from __future__ import annotations

import re
import uuid

from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware

from .context import acting
from .input_guard import INT64_MAX, INT64_MIN

API_PREFIX = "/api/"


def is_token_api_call(request) -> bool:
    """An integration calling ``/api/`` with ``Authorization: Bearer …``: it has no
    session, cookie state, flash messages or htmx, and the token alone says who it is."""
    return (
        request.path_info.startswith(API_PREFIX)
        and request.META.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "
    )


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


# --- bad input at the door ------------------------------------------------------------------

# The stable code of each error status the API may answer without an endpoint (an
# unknown route, a method the route does not have, a body too large to read, CSRF…).
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
}


def status_message(status: int) -> str:
    from django.utils.translation import gettext as _

    return {
        400: _("The request could not be read."),
        401: _("Authentication required: send a bearer token."),
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        405: _("This address does not accept this method."),
        413: _("The request is too large."),
        415: _("Send the body as JSON (Content-Type: application/json)."),
    }.get(status, _("The request could not be processed."))


def error_envelope(
    status: int, code: str | None = None, message: str | None = None, errors=None, **headers
):
    """The API's error answer ``{"code", "message", "errors"}`` with ``status``."""
    from django.http import JsonResponse

    response = JsonResponse(
        {
            "code": code or STATUS_CODES.get(status, "http_error"),
            "message": str(message or status_message(status)),
            "errors": errors or {},
        },
        status=status,
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


_INTEGER = re.compile(r"[+-]?\d{19,}")
TEXT_PARAMETERS = ("q", "search")  # free text: a long run of digits is a search, not an id


def _huge_number_in(params) -> bool:
    for key, values in params.lists():
        if key in TEXT_PARAMETERS:
            continue
        for value in values:
            if _INTEGER.fullmatch(value.strip()) and not INT64_MIN <= int(value) <= INT64_MAX:
                return True
    return False


class RequestGuardMiddleware:
    """Refuses what no view should ever see, before it costs anything: a body larger than
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413; file uploads are bounded by their own limits) and
    a NUL character in the address (400: PostgreSQL cannot compare text with it). Under
    ``/api/`` every error answer is the JSON envelope, also those no endpoint made (404 of
    an unknown route, 405, Django's 400/403/413). In the browser, a number too large for
    the database in a filter (SQLite's driver overflows) or a refusal a view did not
    handle (an edited page link) is a 400 page, not a 500."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.max_body = settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def __call__(self, request):
        is_api = request.path_info.startswith(API_PREFIX)
        refused = self._refuse(request)
        if refused is not None:
            status, code, message = refused
            if is_api:
                return error_envelope(status, code, message)
            if status == 400:  # the site's own 400 page (urls.handler400)
                from django.core.exceptions import BadRequest

                raise BadRequest(message)
            from django.http import HttpResponse

            return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
        response = self.get_response(request)
        if (
            is_api
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allow = response.get("Allow")
            response = error_envelope(response.status_code, **({"Allow": allow} if allow else {}))
        return response

    def _refuse(self, request) -> tuple[int, str, str] | None:
        from django.utils.translation import gettext as _

        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path_info or "%00" in query or "\x00" in query:
            return 400, "invalid_character", _("The address contains a NUL character.")
        if query and not request.path_info.startswith(API_PREFIX) and _huge_number_in(request.GET):
            # the browser's filters: a number no id can be (the API checks its typed parameters)
            return 400, "number_out_of_range", _("A number in this address is too large.")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 400, "bad_request", status_message(400)
        if length > self.max_body and not request.META.get("CONTENT_TYPE", "").startswith(
            "multipart/"
        ):
            return 413, "request_too_large", status_message(413)
        return None

    def process_exception(self, request, exception):
        from django.core.exceptions import BadRequest

        from .errors import DomainError

        if request.path_info.startswith(API_PREFIX):
            return None
        if isinstance(exception, OverflowError):
            from django.utils.translation import gettext as _

            raise BadRequest(_("A number in this address is too large.")) from exception
        if isinstance(exception, DomainError):
            details = [m for messages in exception.errors.values() for m in messages]
            raise BadRequest(" ".join(details) or str(exception.message)) from exception
        return None
