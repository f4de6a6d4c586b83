"""Assembly of the public API under ``/api/v1/`` (OpenAPI at ``/api/v1/openapi.json``).

Each domain app exposes ``router`` in its ``api.py``; they are mounted here. Errors always
answer ``{"code", "message", "errors"}`` with a 4xx status — never a 500 for bad input.
"""

from __future__ import annotations

import functools
import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from daifuku.core import input_guard
from daifuku.core.errors import DomainError
from daifuku.core.middleware import STATUS_CODES

from .auth import BearerToken, Session
from .openapi import document_errors

logger = logging.getLogger(__name__)


class DaifukuAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return document_errors(super().get_openapi_schema(*args, **kwargs))


api = DaifukuAPI(
    title="Daifuku CRM API",
    version="1",
    description="Customer ledger, touches, sales. Authenticate with `Authorization: Bearer <token>` "
    "(create one with `daifuku token create USERNAME` or on your account page).",
    urls_namespace="api",
    auth=[BearerToken(), Session()],
)


def error_body(code: str, message: str, errors: dict | None = None) -> dict:
    return {"code": code, "message": message, "errors": errors or {}}


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _field_path(location: list) -> str:
    # ninja reports ("body", "payload", "family_name"); integrators want "family_name"
    parts = [
        str(p) for p in location if p not in ("body", "query", "path", "header", "form", "file")
    ]
    if len(parts) > 1 and parts[0] in ("payload", "data", "filters", "params"):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        field = _field_path(list(item.get("loc", [])))
        kind = item.get("type", "")
        if kind == "extra_forbidden":
            message = _("Unknown field.")
        elif kind == "missing":
            message = _("This field is required.")
        else:
            message = item.get("msg", _("Invalid value."))
        errors.setdefault(field, []).append(message)
    return api.create_response(
        request,
        error_body("validation_error", _("Some fields need attention."), errors),
        status=422,
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        error_body("not_authenticated", _("Authentication required: send a bearer token.")),
        status=401,
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # ninja's words for a body that is not JSON (or not UTF-8, or nested too deep)
        return api.create_response(
            request,
            error_body("invalid_body", _("The request body is not valid JSON in UTF-8.")),
            status=400,
        )
    code = STATUS_CODES.get(exc.status_code, "http_error")
    return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    return api.create_response(
        request, error_body("request_too_large", _("The request is too large.")), status=413
    )


@api.exception_handler(TooManyFieldsSent)
def too_many_fields(request, exc):
    return api.create_response(
        request, error_body("bad_request", _("The request has too many fields.")), status=400
    )


@api.exception_handler(Exception)
def unexpected(request, exc):
    logger.exception("unexpected API error")
    return api.create_response(
        request, error_body("server_error", _("Something went wrong on our side.")), status=500
    )


# Every domain's router, imported by name: a missing or broken module fails at start-up
# instead of silently leaving its endpoints out of the API (docs/architecture.md checklist).
from daifuku.accounts.api import router as accounts_router  # noqa: E402
from daifuku.activities.api import router as activities_router  # noqa: E402
from daifuku.analytics.api import router as analytics_router  # noqa: E402
from daifuku.analytics.api_advocacy import router as advocacy_router  # noqa: E402
from daifuku.analytics.api_business import router as analytics_business_router  # noqa: E402
from daifuku.commerce.api import router as commerce_router  # noqa: E402
from daifuku.customers.api import router as customers_router  # noqa: E402
from daifuku.customers.api_dedup import router as dedup_router  # noqa: E402
from daifuku.dashboards.api import router as dashboards_router  # noqa: E402
from daifuku.imports.api import router as imports_router  # noqa: E402
from daifuku.marketing.api import router as marketing_router  # noqa: E402
from daifuku.marketing.api_sender import router as mail_sender_router  # noqa: E402
from daifuku.sales.api import router as sales_router  # noqa: E402

for router in (
    accounts_router,
    customers_router,
    dedup_router,
    activities_router,
    commerce_router,
    advocacy_router,
    analytics_business_router,
    analytics_router,
    sales_router,
    marketing_router,
    mail_sender_router,
    imports_router,
    dashboards_router,
):
    api.add_router("/", router)


def _guarded(view_func):
    """The endpoint, called only with values the databases can store (no NUL, no lone
    surrogate, no integer beyond 64 bits anywhere in the path, query or body): a 422
    ``invalid_input`` with the field otherwise."""

    @functools.wraps(view_func)
    def guarded(request, *args, **kwargs):
        found = []
        for name, value in kwargs.items():
            if name == "response" or hasattr(value, "read"):  # ninja's response; uploaded files
                continue
            # a query or body schema's fields are reported by their own names
            found += input_guard.problems(
                value, "" if hasattr(type(value), "model_fields") else name
            )
        input_guard.refuse(found)
        return view_func(request, *args, **kwargs)

    return guarded


api.add_decorator(_guarded, mode="operation")


def operations():
    """``(path, operation)`` of every operation of the API, as bound (for the tests)."""
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                yield path, operation
