"""Assembly of the public API under ``/api/v1/`` (OpenAPI at ``/api/v1/openapi.json``).

Each domain app exposes ``router`` in its ``api.py``; they are mounted here. Errors always
answer ``{"code", "message", "errors"}`` with a 4xx status — never a 500 for bad input.
"""

from __future__ import annotations

import importlib
import logging

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from daifuku.core.errors import DomainError

from .auth import BearerToken, Session

logger = logging.getLogger(__name__)

api = NinjaAPI(
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
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "form", "file")]
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
        request, error_body("validation_error", _("Some fields need attention."), errors), status=422
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, error_body("not_authenticated", _("Authentication required: send a bearer token.")), status=401
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, error_body("http_error", str(exc)), status=exc.status_code)


@api.exception_handler(Exception)
def unexpected(request, exc):
    logger.exception("unexpected API error")
    return api.create_response(request, error_body("server_error", _("Something went wrong on our side.")), status=500)


ROUTER_MODULES = (
    "daifuku.accounts.api",
    "daifuku.customers.api",
    "daifuku.customers.api_dedup",
    "daifuku.activities.api",
    "daifuku.commerce.api",
    "daifuku.sales.api",
    "daifuku.imports.api",
)

for name in ROUTER_MODULES:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        continue
    router = getattr(module, "router", None)
    if router is not None:
        api.add_router("/", router)
