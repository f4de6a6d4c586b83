"""The OpenAPI document says what the API really answers: every operation lists the error
statuses it can return, each with the one error envelope ``Error``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["code", "message", "errors"],
    "properties": {
        "code": {
            "type": "string",
            "description": "Stable machine code, e.g. not_found, validation_error.",
        },
        "message": {"type": "string", "description": "Translated message for people."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Field name -> messages; __all__ for the whole request.",
        },
    },
}

# Status -> when it happens. Every operation can answer the first group: input is checked
# before anything else (a NUL in the address, an unreadable body, values the database
# cannot hold), every operation needs authentication and the role's permission, and what
# is outside the caller's scope does not exist for them.
ALWAYS = {
    400: _("The request could not be read (unparseable body, NUL character in the address)."),
    401: _("No bearer token, or a revoked one."),
    403: _("The role does not allow this (or the session's CSRF token is missing)."),
    404: _("Not found, or outside your scope."),
    422: _("Some fields need attention (the errors say which)."),
}
WRITES = {
    409: _("Someone else changed the record, or it conflicts with another one."),
    412: _("If-Match does not match the current ETag."),
    413: _("The body is larger than the server accepts."),
}


def document_errors(schema: dict) -> dict:
    """Add the ``Error`` schema and the error responses to every operation of ``schema``
    (an operation's own description of a status is kept)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = dict(ALWAYS)
            if method.lower() in ("post", "put", "patch", "delete"):
                statuses.update(WRITES)
            for status, description in statuses.items():
                operation["responses"].setdefault(
                    status, {"description": str(description), "content": reference}
                )
    return schema
